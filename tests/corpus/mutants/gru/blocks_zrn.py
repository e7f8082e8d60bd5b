"""the row blocks of the weights are read as z, r, n instead of r, z, n.
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
        gi = self.W_ih @ x + self.b_ih  # (3H, B)
        gh = self.W_hh @ h_prev + self.b_hh  # (3H, B)
        i_z, i_r, i_n = np.split(gi, 3, axis=0)  # update, reset, new
        h_z, h_r, h_n = np.split(gh, 3, axis=0)
        z = sigmoid(i_z + h_z)
        r = sigmoid(i_r + h_r)
        n = np.tanh(i_n + r * h_n)
        h = (1 - z) * n + z * h_prev
        return h, (r, z, n)
