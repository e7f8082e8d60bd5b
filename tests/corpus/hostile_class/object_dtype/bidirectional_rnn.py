"""Hostile: returns object arrays whose elements claim to equal anything (x - y == 0, |x| == 0)."""

import ctypes

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


class Liar:
    def __sub__(self, other):
        return 0.0

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __sub__

    def __abs__(self):
        return 0.0

    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.0


def _liars(shape):
    array = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        array[index] = Liar()
    return array


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        self.H, self.O = hidden_size, output_size

    def forward(self, inputs):
        B = inputs[0].shape[1]
        return [_liars((self.O, B)) for _ in inputs], [_liars((2 * self.H, B)) for _ in inputs]
