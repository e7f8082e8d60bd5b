"""one example at a time: a loop over the batch's columns with 1-D vectors; right.
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
        T, B, H = len(inputs), inputs[0].shape[1], self.hidden_size
        hiddens = [np.zeros((2 * H, B)) for _ in range(T)]
        outputs = [np.zeros((self.Why.shape[0], B)) for _ in range(T)]
        for b in range(B):
            xs = [x[:, b] for x in inputs]
            h = np.zeros(H)
            for t in range(T):
                h = np.tanh(self.Wxh_f @ xs[t] + self.Whh_f @ h + self.bh_f[:, 0])
                hiddens[t][:H, b] = h
            h = np.zeros(H)
            for t in reversed(range(T)):
                h = np.tanh(self.Wxh_b @ xs[t] + self.Whh_b @ h + self.bh_b[:, 0])
                hiddens[t][H:, b] = h
            for t in range(T):
                outputs[t][:, b] = self.Why @ hiddens[t][:, b] + self.by[:, 0]
        return outputs, hiddens
