"""the original paper's GRU, written from Cho et al. with the update gate the other way round, and no biases.

    r = sigmoid(W_r x + U_r h); z = sigmoid(W_z x + U_z h); n = tanh(W x + U (r * h)); h' = z * n + (1 - z) * h
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


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
        W_r, W_z, W = self.W_ih[:H], self.W_ih[H:2 * H], self.W_ih[2 * H:]
        U_r, U_z, U = self.W_hh[:H], self.W_hh[H:2 * H], self.W_hh[2 * H:]
        r = sigmoid(W_r @ x + U_r @ h_prev)
        z = sigmoid(W_z @ x + U_z @ h_prev)
        n = np.tanh(W @ x + U @ (r * h_prev))
        h = z * n + (1 - z) * h_prev
        return h, (r, z, n)
