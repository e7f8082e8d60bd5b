"""one example at a time: a loop over the batch's columns with 1-D vectors; right."""

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
        H, B = self.hidden_size, x.shape[1]
        dtype = np.result_type(x, self.W_ih)
        out = {k: np.zeros((H, B), dtype=dtype) for k in ("h", "r", "z", "n")}
        for b in range(B):
            xb, hb = x[:, b], h_prev[:, b]
            gi = self.W_ih @ xb + self.b_ih[:, 0]
            gh = self.W_hh @ hb + self.b_hh[:, 0]
            r = sigmoid(gi[:H] + gh[:H])
            z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
            n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
            for key, value in (("h", (1 - z) * n + z * hb), ("r", r), ("z", z), ("n", n)):
                out[key][:, b] = value
        return out["h"], (out["r"], out["z"], out["n"])
