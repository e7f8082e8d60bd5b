"""does nothing: zeros of the right shapes."""

import numpy as np


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        self.hidden_size = hidden_size

    def forward(self, x, h_prev):
        zeros = np.zeros_like(h_prev)
        return zeros, (zeros, zeros, zeros)
