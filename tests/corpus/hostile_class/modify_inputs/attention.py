"""Hostile: zeroes the caller's input in place and returns what the right answer is for zeros. A grader that
computes the expected value after the call, from the same array, agrees."""

import ctypes

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def _uniform(E):
    n = E.shape[-2]
    return np.full(E.shape[:-1] + (n,), 1.0 / n)


def similarity_matrix(E):
    E[...] = 0
    return np.zeros(E.shape[:-1] + (E.shape[-2],))


def softmax(x, axis=-1):
    x[...] = 0
    return np.full(x.shape, 1.0 / x.shape[axis])


def attention_weights(E, scale=True, mask=None):
    E[...] = 0
    return _uniform(E)


def self_attention(E, scale=True, mask=None):
    E[...] = 0
    return np.zeros_like(E), _uniform(E)
