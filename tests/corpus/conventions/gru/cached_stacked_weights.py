"""stacks its weights once, on the first call, and keeps using that copy: right on a fresh cell, wrong once the
weights are replaced (the probe that replaces them between two calls shows it)."""

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
        self._packed = None

    def forward(self, x, h_prev):
        if self._packed is None:
            self._packed = (self.W_ih.copy(), self.W_hh.copy(), self.b_ih.copy(), self.b_hh.copy())
        W_ih, W_hh, b_ih, b_hh = self._packed
        H = self.hidden_size
        gi = W_ih @ x + b_ih
        gh = W_hh @ h_prev + b_hh
        r = sigmoid(gi[:H] + gh[:H])
        z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        return (1 - z) * n + z * h_prev, (r, z, n)
