"""row-major code (batch first: x @ W.T), transposed at the contract's boundary; right.
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

    def _run(self, xs, Wx, Wh, b):  # xs: (T, B, I), batch first
        h = np.zeros((xs.shape[1], Wh.shape[0]))
        states = []
        for x in xs:
            h = np.tanh(x @ Wx.T + h @ Wh.T + b.T)  # (B, H)
            states.append(h)
        return states

    def forward(self, inputs):
        xs = np.stack([x.T for x in inputs])  # (T, B, I)
        hf = self._run(xs, self.Wxh_f, self.Whh_f, self.bh_f)
        hb = self._run(xs[::-1], self.Wxh_b, self.Whh_b, self.bh_b)[::-1]
        hiddens = [np.concatenate([f, b], axis=1).T for f, b in zip(hf, hb)]  # (2H, B)
        outputs = [(h.T @ self.Why.T + self.by.T).T for h in hiddens]
        return outputs, hiddens
