"""batch-first code with a mistake of its own: the outputs are clipped to [-1, 1]; every state is right.
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
        T, H = len(inputs), self.hidden_size
        xs = [x.T for x in inputs]  # (B, I)
        hf, h = [], np.zeros((xs[0].shape[0], H))
        for x in xs:
            h = np.tanh(x @ self.Wxh_f.T + h @ self.Whh_f.T + self.bh_f.T)
            hf.append(h)
        hb, h = [None] * T, np.zeros((xs[0].shape[0], H))
        for t in reversed(range(T)):
            h = np.tanh(xs[t] @ self.Wxh_b.T + h @ self.Whh_b.T + self.bh_b.T)
            hb[t] = h
        hiddens = [np.hstack([f, b]).T for f, b in zip(hf, hb)]
        outputs = [np.clip(self.Why @ s + self.by, -1.0, 1.0) for s in hiddens]
        return outputs, hiddens
