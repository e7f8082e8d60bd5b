"""the sequence as one (T, I, B) array and einsum for every product; right.
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
        X = np.stack(inputs)  # (T, I, B)
        T, _, B = X.shape
        H = self.hidden_size
        Xf = np.einsum("hi,tib->thb", self.Wxh_f, X) + self.bh_f  # input parts, all steps at once
        Xb = np.einsum("hi,tib->thb", self.Wxh_b, X) + self.bh_b
        hf = np.zeros((T, H, B))
        hb = np.zeros((T, H, B))
        h = np.zeros((H, B))
        for t in range(T):
            h = np.tanh(Xf[t] + np.einsum("hk,kb->hb", self.Whh_f, h))
            hf[t] = h
        h = np.zeros((H, B))
        for t in range(T - 1, -1, -1):
            h = np.tanh(Xb[t] + np.einsum("hk,kb->hb", self.Whh_b, h))
            hb[t] = h
        states = np.concatenate([hf, hb], axis=1)  # (T, 2H, B)
        Y = np.einsum("oh,thb->tob", self.Why, states) + self.by
        return list(Y), list(states)
