"""row-major code (batch first, x @ W.T), transposed at the contract's boundary; right."""

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

    def _step(self, x, h):  # x (B, I), h (B, H): the batch-first form most libraries use
        H = self.hidden_size
        gi = x @ self.W_ih.T + self.b_ih.T
        gh = h @ self.W_hh.T + self.b_hh.T
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        return (1 - z) * n + z * h, r, z, n

    def forward(self, x, h_prev):
        h, r, z, n = self._step(x.T, h_prev.T)
        return h.T, (r.T, z.T, n.T)
