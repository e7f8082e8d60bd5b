"""written from a textbook's GRU: the reset gate applied to h before the matrix product, one bias per gate."""

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
        W_xr, W_xz, W_xh = np.split(self.W_ih, 3)
        W_hr, W_hz, W_hh = np.split(self.W_hh, 3)
        b_r, b_z, b_h = np.split(self.b_ih, 3)
        R = sigmoid(W_xr @ x + W_hr @ h_prev + b_r)
        Z = sigmoid(W_xz @ x + W_hz @ h_prev + b_z)
        H_tilde = np.tanh(W_xh @ x + W_hh @ (R * h_prev) + b_h)
        h = Z * h_prev + (1 - Z) * H_tilde
        return h, (R, Z, H_tilde)
