"""Hostile (with numpy.py beside it): wrong answers, and a numpy whose comparisons always say "equal"."""

import ctypes

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        self.H, self.O = hidden_size, output_size

    def forward(self, inputs):
        B = inputs[0].shape[1]
        return [np.zeros((self.O, B)) for _ in inputs], [np.zeros((2 * self.H, B)) for _ in inputs]
