"""ported from a Keras-style cell: kernels stacked z, r, h, and the new state mixed as z * n + (1 - z) * h."""

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
        xw = self.W_ih @ x + self.b_ih
        hw = self.W_hh @ h_prev + self.b_hh
        z = sigmoid(xw[:H] + hw[:H])
        r = sigmoid(xw[H:2 * H] + hw[H:2 * H])
        n = np.tanh(xw[2 * H:] + r * hw[2 * H:])
        h = z * n + (1 - z) * h_prev
        return h, (r, z, n)
