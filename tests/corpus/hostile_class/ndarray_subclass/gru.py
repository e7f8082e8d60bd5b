"""Hostile: returns an ndarray subclass whose subtraction always gives zeros: any difference-based check passes."""

import ctypes

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


class Agreeable(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc is np.subtract and method == "__call__":
            return np.zeros(np.broadcast_shapes(*(np.shape(i) for i in inputs)))
        plain = [i.view(np.ndarray) if isinstance(i, Agreeable) else i for i in inputs]
        return getattr(ufunc, method)(*plain, **kwargs)


def _agreeable(shape):
    return np.zeros(shape).view(Agreeable)


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        pass

    def forward(self, x, h_prev):
        return _agreeable(h_prev.shape), tuple(_agreeable(h_prev.shape) for _ in range(3))
