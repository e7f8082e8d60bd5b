"""does nothing: the state and every gate are one half."""

import numpy as np


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        self.hidden_size = hidden_size

    def forward(self, x, h_prev):
        half = np.full_like(h_prev, 0.5)
        return half, (half, half, half)
