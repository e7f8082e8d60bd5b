"""Hostile: returns a list holding one NaN. It broadcasts against anything, and every comparison with NaN is
False, so "no entry differs by more than tol" holds."""

import ctypes

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

NAN = float("nan")


def similarity_matrix(E):
    return [NAN]


def softmax(x, axis=-1):
    return [NAN]


def attention_weights(E, scale=True, mask=None):
    return [NAN]


def self_attention(E, scale=True, mask=None):
    return [NAN], [NAN]
