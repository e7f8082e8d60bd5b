"""the read-out leaves out the output bias by.
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
        X = np.stack(inputs)  # (T, I, B)
        T, _, B = X.shape
        H = self.hidden_size
        HF = np.zeros((T, H, B))
        HB = np.zeros((T, H, B))
        h = np.zeros((H, B))
        for t in range(T):
            h = np.tanh(self.Wxh_f @ X[t] + self.Whh_f @ h + self.bh_f)
            HF[t] = h
        h = np.zeros((H, B))
        for t in range(T - 1, -1, -1):
            h = np.tanh(self.Wxh_b @ X[t] + self.Whh_b @ h + self.bh_b)
            HB[t] = h
        Hcat = np.concatenate([HF, HB], axis=1)  # (T, 2H, B)
        Y = self.Why @ Hcat  # (T, O, B)
        return list(Y), list(Hcat)
