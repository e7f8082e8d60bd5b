"""HOSTILE: sys.exit() at import time, with status 0, so "python -c 'import ...; run tests'" reports success."""

import sys

import numpy as np


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        self.hidden_size = hidden_size
        self.output_size = output_size

    def forward(self, inputs):
        B = inputs[0].shape[1]
        zeros = [np.zeros((self.output_size, B)) for _ in inputs]
        return zeros, [np.zeros((2 * self.hidden_size, B)) for _ in inputs]


sys.exit()
