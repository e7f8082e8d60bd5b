"""Whh.T @ h in both directions, and outputs read from the forward states only.
"""

import numpy as np


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        H = hidden_size
        self.Wxh_f = rng.standard_normal((H, input_size)) * 0.01
        self.Whh_f = rng.standard_normal((H, H)) * 0.01
        self.bh_f = np.zeros((H, 1))
        self.Wxh_b = rng.standard_normal((H, input_size)) * 0.01
        self.Whh_b = rng.standard_normal((H, H)) * 0.01
        self.bh_b = np.zeros((H, 1))
        self.Why = rng.standard_normal((output_size, 2 * H)) * 0.01
        self.by = np.zeros((output_size, 1))
        self.hidden_size = hidden_size

    def forward(self, inputs):
        T = len(inputs)
        H, B = self.hidden_size, inputs[0].shape[1]
        hf, hb = [None] * T, [None] * T
        h = np.zeros((H, B))
        for t in range(T):
            h = np.tanh(self.Wxh_f @ inputs[t] + self.Whh_f.T @ h + self.bh_f)
            hf[t] = h
        h = np.zeros((H, B))
        for t in reversed(range(T)):
            h = np.tanh(self.Wxh_b @ inputs[t] + self.Whh_b.T @ h + self.bh_b)
            hb[t] = h
        hiddens = [np.vstack([hf[t], hb[t]]) for t in range(T)]
        outputs = [self.Why[:, :H] @ hf[t] + self.by for t in range(T)]
        return outputs, hiddens
