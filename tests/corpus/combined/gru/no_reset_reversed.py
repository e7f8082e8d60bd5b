"""the reset gate is computed but never used, and the update gate works the other way round."""

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
        a = self.W_ih @ x + self.b_ih  # (3H, B)
        b = self.W_hh @ h_prev + self.b_hh  # (3H, B)
        r = sigmoid(a[0:H] + b[0:H])
        z = sigmoid(a[H:2 * H] + b[H:2 * H])
        n = np.tanh(a[2 * H:3 * H] + b[2 * H:3 * H])
        h = z * n + (1.0 - z) * h_prev
        return h, (r, z, n)
