"""one weight matrix per gate (W_ir, W_hr, ...), cut out of the stacked attributes at every call; right."""

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

    def _gates(self):
        H = self.hidden_size
        cut = lambda M, k: M[k * H:(k + 1) * H]
        return {name: (cut(self.W_ih, k), cut(self.W_hh, k), cut(self.b_ih, k), cut(self.b_hh, k))
                for k, name in enumerate("rzn")}

    def forward(self, x, h_prev):
        g = self._gates()
        W_ir, W_hr, b_ir, b_hr = g["r"]
        W_iz, W_hz, b_iz, b_hz = g["z"]
        W_in, W_hn, b_in, b_hn = g["n"]
        r = sigmoid(W_ir @ x + b_ir + W_hr @ h_prev + b_hr)
        z = sigmoid(W_iz @ x + b_iz + W_hz @ h_prev + b_hz)
        n = np.tanh(W_in @ x + b_in + r * (W_hn @ h_prev + b_hn))
        h = n + z * (h_prev - n)  # = (1 - z) n + z h, one multiplication fewer
        return h, (r, z, n)
