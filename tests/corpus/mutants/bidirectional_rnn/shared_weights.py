"""the backward pass reuses the forward direction's weights and bias instead of its own.
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

    def _run(self, xs):
        """One tanh RNN over xs in the order given; returns the states in that order."""
        h = np.zeros((self.hidden_size, xs[0].shape[1]))
        states = []
        for x in xs:
            h = np.tanh(self.Wxh_f @ x + self.Whh_f @ h + self.bh_f)
            states.append(h)
        return states

    def forward(self, inputs):
        hf = self._run(inputs)
        hb = self._run(inputs[::-1])[::-1]  # same RNN, read right to left
        hiddens = [np.vstack([f, b]) for f, b in zip(hf, hb)]
        outputs = [self.Why @ h + self.by for h in hiddens]
        return outputs, hiddens
