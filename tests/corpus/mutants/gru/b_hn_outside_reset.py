"""the hidden bias b_hn is added outside the reset product: r * (W_hn h) + b_hn.
"""

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
        a = self.W_ih @ x + self.b_ih + self.b_hh  # all the biases together
        b = self.W_hh @ h_prev
        r = sigmoid(a[:H] + b[:H])
        z = sigmoid(a[H:2 * H] + b[H:2 * H])
        n = np.tanh(a[2 * H:] + r * b[2 * H:])
        h = (1 - z) * n + z * h_prev
        return h, (r, z, n)
