"""each hidden state stacks the backward state on top of the forward state.
"""

import numpy as np


def rnn_step(x, h, Wxh, Whh, bh):
    """h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)"""
    return np.tanh(Wxh @ x + Whh @ h + bh)


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        if rng is None:
            rng = np.random.default_rng()
        self.hidden_size = hidden_size
        self.Wxh_f = 0.01 * rng.standard_normal((hidden_size, input_size))
        self.Whh_f = 0.01 * rng.standard_normal((hidden_size, hidden_size))
        self.bh_f = np.zeros((hidden_size, 1))
        self.Wxh_b = 0.01 * rng.standard_normal((hidden_size, input_size))
        self.Whh_b = 0.01 * rng.standard_normal((hidden_size, hidden_size))
        self.bh_b = np.zeros((hidden_size, 1))
        self.Why = 0.01 * rng.standard_normal((output_size, 2 * hidden_size))
        self.by = np.zeros((output_size, 1))

    def forward(self, inputs):
        T = len(inputs)
        batch = inputs[0].shape[1]
        fwd = [None] * T
        bwd = [None] * T
        h = np.zeros((self.hidden_size, batch))
        for t in range(T):
            h = rnn_step(inputs[t], h, self.Wxh_f, self.Whh_f, self.bh_f)
            fwd[t] = h
        h = np.zeros((self.hidden_size, batch))
        for t in range(T - 1, -1, -1):
            h = rnn_step(inputs[t], h, self.Wxh_b, self.Whh_b, self.bh_b)
            bwd[t] = h
        hiddens = [np.concatenate([bwd[t], fwd[t]], axis=0) for t in range(T)]
        outputs = [self.Why @ hid + self.by for hid in hiddens]
        return outputs, hiddens
