"""three at once: the update reversed, b_hn outside the reset product, and no input-side biases."""

import numpy as np


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


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
        gi = self.W_ih @ x  # (3H, B)
        hh = self.W_hh @ h_prev  # (3H, B)
        r = sigmoid(gi[:H] + hh[:H] + self.b_hh[:H])
        z = sigmoid(gi[H:2 * H] + hh[H:2 * H] + self.b_hh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * hh[2 * H:] + self.b_hh[2 * H:])
        h = z * n + (1 - z) * h_prev
        return h, (r, z, n)
