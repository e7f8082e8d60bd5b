"""the state update has no tanh: h_t = Wxh x_t + Whh h_{t-1} + bh (a linear RNN).
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

    def _direction(self, inputs, Wxh, Whh, bh, order):
        h = np.zeros((self.hidden_size, inputs[0].shape[1]))
        states = [None] * len(inputs)
        for t in order:
            h = Wxh @ inputs[t] + Whh @ h + bh
            states[t] = h
        return states

    def forward(self, inputs):
        T = len(inputs)
        hf = self._direction(inputs, self.Wxh_f, self.Whh_f, self.bh_f, range(T))
        hb = self._direction(inputs, self.Wxh_b, self.Whh_b, self.bh_b, range(T - 1, -1, -1))
        hiddens = [np.vstack([a, b]) for a, b in zip(hf, hb)]
        outputs = [self.Why @ s + self.by for s in hiddens]
        return outputs, hiddens
