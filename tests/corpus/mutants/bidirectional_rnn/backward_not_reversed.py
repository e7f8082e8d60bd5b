"""the backward RNN also walks the sequence left to right (x[0] first).
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
        H, B = self.hidden_size, inputs[0].shape[1]
        h_f = np.zeros((H, B))
        h_b = np.zeros((H, B))
        outputs, hiddens = [], []
        for x in inputs:
            h_f = np.tanh(self.Wxh_f @ x + self.Whh_f @ h_f + self.bh_f)  # (H, B)
            h_b = np.tanh(self.Wxh_b @ x + self.Whh_b @ h_b + self.bh_b)  # (H, B)
            h = np.vstack([h_f, h_b])  # (2H, B)
            hiddens.append(h)
            outputs.append(self.Why @ h + self.by)  # (O, B)
        return outputs, hiddens
