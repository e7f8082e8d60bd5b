"""a softmax on the outputs, and the forward direction without its bias.
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
        hf = []
        h = np.zeros((H, B))
        for x in inputs:
            h = np.tanh(self.Wxh_f @ x + self.Whh_f @ h)
            hf.append(h)
        hb = []
        h = np.zeros((H, B))
        for x in inputs[::-1]:
            h = np.tanh(self.Wxh_b @ x + self.Whh_b @ h + self.bh_b)
            hb.insert(0, h)
        hiddens = [np.vstack([f, b]) for f, b in zip(hf, hb)]
        outputs = []
        for s in hiddens:
            y = self.Why @ s + self.by
            e = np.exp(y - np.max(y, axis=0, keepdims=True))
            outputs.append(e / np.sum(e, axis=0, keepdims=True))
        return outputs, hiddens
