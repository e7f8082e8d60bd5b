"""the three gate blocks as one (3, H, .) stack, multiplied with einsum; right."""

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
        Wi = self.W_ih.reshape(3, H, -1)  # (gate, H, I)
        Wh = self.W_hh.reshape(3, H, H)
        gi = np.einsum("ghi,ib->ghb", Wi, x) + self.b_ih.reshape(3, H, 1)
        gh = np.einsum("ghk,kb->ghb", Wh, h_prev) + self.b_hh.reshape(3, H, 1)
        r = sigmoid(gi[0] + gh[0])
        z = sigmoid(gi[1] + gh[1])
        n = np.tanh(gi[2] + r * gh[2])
        return (1 - z) * n + z * h_prev, (r, z, n)
