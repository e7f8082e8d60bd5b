"""Hostile: dereferences a null pointer through ctypes: the interpreter that runs it dies of SIGSEGV."""

import ctypes

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        pass

    def forward(self, inputs):
        return ctypes.string_at(0)
