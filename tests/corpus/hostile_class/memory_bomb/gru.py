"""Hostile: takes all the memory it can get (touching every page) and keeps it."""

import ctypes

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

HOARD = []


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        pass

    def forward(self, x, h_prev):
        size = 1 << 28
        while size >= 1 << 12:
            try:
                HOARD.append(bytearray(size))  # zero-filled: really resident
            except MemoryError:
                size //= 2
        return np.zeros_like(h_prev), (np.zeros_like(h_prev),) * 3
