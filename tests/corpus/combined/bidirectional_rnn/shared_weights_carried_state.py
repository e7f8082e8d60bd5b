"""one set of weights for both directions, and the backward pass starts where the forward one ended.
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

    def _step(self, x, h):
        return np.tanh(self.Wxh_f @ x + self.Whh_f @ h + self.bh_f)

    def forward(self, inputs):
        T = len(inputs)
        H, B = self.hidden_size, inputs[0].shape[1]
        h = np.zeros((H, B))
        hf = []
        for x in inputs:
            h = self._step(x, h)
            hf.append(h)
        hb = [None] * T
        for t in reversed(range(T)):
            h = self._step(inputs[t], h)
            hb[t] = h
        hiddens = [np.vstack((hf[t], hb[t])) for t in range(T)]
        return [self.Why @ s + self.by for s in hiddens], hiddens
