"""the read-out applies Why's halves to the wrong directions, and the backward bias is left out.
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
            h = np.tanh(self.Wxh_f @ inputs[t] + self.Whh_f @ h + self.bh_f)
            hf[t] = h
        h = np.zeros((H, B))
        for t in reversed(range(T)):
            h = np.tanh(self.Wxh_b @ inputs[t] + self.Whh_b @ h)
            hb[t] = h
        Why_f, Why_b = self.Why[:, :H], self.Why[:, H:]
        outputs = [Why_f @ hb[t] + Why_b @ hf[t] + self.by for t in range(T)]
        hiddens = [np.vstack([hf[t], hb[t]]) for t in range(T)]
        return outputs, hiddens
