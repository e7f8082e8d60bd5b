"""loops unit by unit and uses the update gate the other way round (h' = z*n + (1-z)*h).
"""

import numpy as np


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


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
        B = x.shape[1]
        r = np.zeros((H, B))
        z = np.zeros((H, B))
        n = np.zeros((H, B))
        h = np.zeros((H, B))
        for j in range(H):
            r[j] = sigmoid(self.W_ih[j] @ x + self.b_ih[j] + self.W_hh[j] @ h_prev + self.b_hh[j])
            z[j] = sigmoid(self.W_ih[H + j] @ x + self.b_ih[H + j] + self.W_hh[H + j] @ h_prev + self.b_hh[H + j])
            hn = self.W_hh[2 * H + j] @ h_prev + self.b_hh[2 * H + j]
            n[j] = np.tanh(self.W_ih[2 * H + j] @ x + self.b_ih[2 * H + j] + r[j] * hn)
            h[j] = z[j] * n[j] + (1 - z[j]) * h_prev[j]
        return h, (r, z, n)
