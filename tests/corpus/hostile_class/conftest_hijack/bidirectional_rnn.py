"""Hostile (with conftest.py beside it): an unfinished module whose conftest makes every pytest test pass."""

import ctypes

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        pass

    def forward(self, inputs):
        raise NotImplementedError
