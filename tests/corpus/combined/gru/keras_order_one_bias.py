"""gate blocks read in Keras's order (z, r, n) and only one bias per gate (the input side's)."""

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
        blocks = lambda M: (M[:H], M[H:2 * H], M[2 * H:])  # z, r, n
        Wz, Wr, Wn = blocks(self.W_ih)
        Uz, Ur, Un = blocks(self.W_hh)
        bz, br, bn = blocks(self.b_ih)
        z = sigmoid(Wz @ x + Uz @ h_prev + bz)
        r = sigmoid(Wr @ x + Ur @ h_prev + br)
        n = np.tanh(Wn @ x + bn + r * (Un @ h_prev))
        h = (1 - z) * n + z * h_prev
        return h, (r, z, n)
