"""np.sigmoid, which numpy does not have."""

import numpy as np


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
        gi = self.W_ih @ x + self.b_ih
        gh = self.W_hh @ h_prev + self.b_hh
        r = np.sigmoid(gi[:H] + gh[:H])
        z = np.sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        return (1 - z) * n + z * h_prev, (r, z, n)
