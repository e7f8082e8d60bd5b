"""the reset gate multiplies h before W_hn (the Cho et al. paper form), not (W_hn h + b_hn).
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
        W_ir, W_iz, W_in = self.W_ih[:H], self.W_ih[H:2 * H], self.W_ih[2 * H:]
        W_hr, W_hz, W_hn = self.W_hh[:H], self.W_hh[H:2 * H], self.W_hh[2 * H:]
        b_ir, b_iz, b_in = self.b_ih[:H], self.b_ih[H:2 * H], self.b_ih[2 * H:]
        b_hr, b_hz, b_hn = self.b_hh[:H], self.b_hh[H:2 * H], self.b_hh[2 * H:]
        r = sigmoid(W_ir @ x + b_ir + W_hr @ h_prev + b_hr)
        z = sigmoid(W_iz @ x + b_iz + W_hz @ h_prev + b_hz)
        n = np.tanh(W_in @ x + b_in + W_hn @ (r * h_prev) + b_hn)  # forget part of the past first
        h = (1 - z) * n + z * h_prev
        return h, (r, z, n)
