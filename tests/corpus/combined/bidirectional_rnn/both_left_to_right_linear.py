"""the "backward" RNN also reads left to right, and neither direction has its tanh.
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
        hf, hb = [], []
        a = np.zeros((H, B))
        c = np.zeros((H, B))
        for x in inputs:
            a = self.Wxh_f @ x + self.Whh_f @ a + self.bh_f
            c = self.Wxh_b @ x + self.Whh_b @ c + self.bh_b
            hf.append(a)
            hb.append(c)
        hiddens = [np.vstack([hf[t], hb[t]]) for t in range(T)]
        outputs = [self.Why @ s + self.by for s in hiddens]
        return outputs, hiddens
