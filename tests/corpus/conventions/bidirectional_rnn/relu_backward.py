"""a helper per direction, with a mistake of its own: the backward direction uses ReLU; the forward states are right.
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

    def _forward_states(self, inputs):
        h, out = np.zeros((self.hidden_size, inputs[0].shape[1])), []
        for x in inputs:
            h = np.tanh(self.Wxh_f @ x + self.Whh_f @ h + self.bh_f)
            out.append(h)
        return out

    def _backward_states(self, inputs):
        h, out = np.zeros((self.hidden_size, inputs[0].shape[1])), []
        for x in reversed(inputs):
            h = np.maximum(0.0, self.Wxh_b @ x + self.Whh_b @ h + self.bh_b)
            out.append(h)
        return out[::-1]

    def forward(self, inputs):
        hiddens = [np.vstack(pair) for pair in zip(self._forward_states(inputs), self._backward_states(inputs))]
        return [self.Why @ s + self.by for s in hiddens], hiddens
