"""b_hn added after the reset product, and the gates returned as (z, r, n)."""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


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
        r = sigmoid(self.W_ih[:H] @ x + self.b_ih[:H] + self.W_hh[:H] @ h_prev + self.b_hh[:H])
        z = sigmoid(self.W_ih[H:2*H] @ x + self.b_ih[H:2*H] + self.W_hh[H:2*H] @ h_prev + self.b_hh[H:2*H])
        n = np.tanh(self.W_ih[2*H:] @ x + self.b_ih[2*H:] + r * (self.W_hh[2*H:] @ h_prev) + self.b_hh[2*H:])
        h = (1 - z) * n + z * h_prev
        return h, (z, r, n)
