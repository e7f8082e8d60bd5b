"""the z and n row blocks swapped (read r, n, z), and the reset gate applied before W_hn."""

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
        rows = {"r": slice(0, H), "n": slice(H, 2 * H), "z": slice(2 * H, 3 * H)}
        def pre(g, h):
            return self.W_ih[rows[g]] @ x + self.b_ih[rows[g]] + self.W_hh[rows[g]] @ h + self.b_hh[rows[g]]
        r = sigmoid(pre("r", h_prev))
        z = sigmoid(pre("z", h_prev))
        n = np.tanh(self.W_ih[rows["n"]] @ x + self.b_ih[rows["n"]] + self.W_hh[rows["n"]] @ (r * h_prev)
                    + self.b_hh[rows["n"]])
        h = (1 - z) * n + z * h_prev
        return h, (r, z, n)
