"""a char-RNN habit: the outputs go through a softmax; and the backward states stay in processing order.
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
        h, hf = np.zeros((H, B)), []
        for x in inputs:
            h = np.tanh(self.Wxh_f @ x + self.Whh_f @ h + self.bh_f)
            hf.append(h)
        h, hb = np.zeros((H, B)), []
        for x in reversed(inputs):
            h = np.tanh(self.Wxh_b @ x + self.Whh_b @ h + self.bh_b)
            hb.append(h)
        hiddens = [np.vstack([hf[t], hb[t]]) for t in range(T)]
        outputs = []
        for s in hiddens:
            y = self.Why @ s + self.by
            p = np.exp(y - y.max(axis=0, keepdims=True))
            outputs.append(p / p.sum(axis=0, keepdims=True))
        return outputs, hiddens
