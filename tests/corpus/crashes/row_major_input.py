"""x used as if it were row-major (batch, features): W_ih @ x.T."""

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
        T, B = len(inputs), inputs[0].shape[1]
        H = self.hidden_size
        h, hf = np.zeros((H, B)), []
        for x in inputs:
            h = np.tanh(self.Wxh_f @ x.T + self.Whh_f @ h + self.bh_f)
            hf.append(h)
        h, hb = np.zeros((H, B)), [None] * T
        for t in reversed(range(T)):
            h = np.tanh(self.Wxh_b @ inputs[t].T + self.Whh_b @ h + self.bh_b)
            hb[t] = h
        hiddens = [np.vstack([f, b]) for f, b in zip(hf, hb)]
        return [self.Why @ s + self.by for s in hiddens], hiddens
