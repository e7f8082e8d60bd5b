"""Bidirectional tanh RNN: one RNN reads the sequence forwards, another backwards; each step sees both sides.

    hf[t] = tanh(Wxh_f x[t] + Whh_f hf[t-1] + bh_f),   hf[-1] = 0        (H, B)
    hb[t] = tanh(Wxh_b x[t] + Whh_b hb[t+1] + bh_b),   hb[T]  = 0        (H, B)
    hiddens[t] = [hf[t]; hb[t]]                                          (2H, B)
    outputs[t] = Why hiddens[t] + by                                     (O, B)

Equal to torch.nn.RNN(bidirectional=True) with the bias_hh terms 0, followed by a linear read-out.
"""

import numpy as np


class BidirectionalRNN:
    """Attributes: Wxh_f, Wxh_b (H, I); Whh_f, Whh_b (H, H); bh_f, bh_b (H, 1); Why (O, 2H); by (O, 1).
    Read at call time."""

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
        """Run both directions over the whole sequence.

        Inputs:
        - inputs: list of T arrays x[t] (I, B).

        Returns:
        - outputs: list of T arrays (O, B).
        - hiddens: list of T arrays (2H, B), forward state on top of backward state.
        """
        T = len(inputs)
        if T == 0:
            return [], []
        H, B = self.hidden_size, inputs[0].shape[1]
        dtype = np.result_type(inputs[0], self.Wxh_f)
        hf = [None] * T
        h = np.zeros((H, B), dtype=dtype)
        for t in range(T):
            h = np.tanh(self.Wxh_f @ inputs[t] + self.Whh_f @ h + self.bh_f)  # (H, B)
            hf[t] = h
        hb = [None] * T
        h = np.zeros((H, B), dtype=dtype)
        for t in reversed(range(T)):
            h = np.tanh(self.Wxh_b @ inputs[t] + self.Whh_b @ h + self.bh_b)  # (H, B)
            hb[t] = h
        hiddens = [np.vstack([hf[t], hb[t]]) for t in range(T)]  # each (2H, B)
        outputs = [self.Why @ ht + self.by for ht in hiddens]  # each (O, B)
        return outputs, hiddens
