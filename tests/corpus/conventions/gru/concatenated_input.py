"""the gates from one matrix product on the stacked [x; h] (as an LSTM is often written); right."""

import numpy as np


def sigmoid(v):
    e = np.exp(-np.abs(v))
    return np.where(v >= 0, 1 / (1 + e), e / (1 + e))


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        self.W_ih = rng.standard_normal((3 * hidden_size, input_size)) * 0.01
        self.W_hh = rng.standard_normal((3 * hidden_size, hidden_size)) * 0.01
        self.b_ih = np.zeros((3 * hidden_size, 1))
        self.b_hh = np.zeros((3 * hidden_size, 1))
        self.hidden_size = hidden_size

    def forward(self, x, h_prev):
        H = self.hidden_size
        W_gates = np.hstack([self.W_ih[:2 * H], self.W_hh[:2 * H]])  # (2H, I + H)
        b_gates = self.b_ih[:2 * H] + self.b_hh[:2 * H]
        rz = sigmoid(W_gates @ np.vstack([x, h_prev]) + b_gates)
        r, z = rz[:H], rz[H:]
        n = np.tanh(self.W_ih[2 * H:] @ x + self.b_ih[2 * H:] + r * (self.W_hh[2 * H:] @ h_prev + self.b_hh[2 * H:]))
        return (1 - z) * n + z * h_prev, (r, z, n)
