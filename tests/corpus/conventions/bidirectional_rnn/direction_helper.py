"""one helper runs a direction (reverse=True walks right to left); right.
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

    @staticmethod
    def _direction(inputs, Wx, Wh, b, reverse=False):
        T = len(inputs)
        h = np.zeros((Wh.shape[0], inputs[0].shape[1]))
        states = [None] * T
        order = range(T - 1, -1, -1) if reverse else range(T)
        for t in order:
            h = np.tanh(Wx @ inputs[t] + Wh @ h + b)
            states[t] = h
        return states

    def forward(self, inputs):
        hf = self._direction(inputs, self.Wxh_f, self.Whh_f, self.bh_f)
        hb = self._direction(inputs, self.Wxh_b, self.Whh_b, self.bh_b, reverse=True)
        H = self.hidden_size
        outputs = [self.Why[:, :H] @ f + self.Why[:, H:] @ b + self.by for f, b in zip(hf, hb)]
        return outputs, [np.vstack([f, b]) for f, b in zip(hf, hb)]
