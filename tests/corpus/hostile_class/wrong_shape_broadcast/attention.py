"""Hostile: returns an empty array of shape (0, 1, 1): broadcast against the answer it makes an empty
difference, in which no entry is too large."""

import ctypes

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def similarity_matrix(E):
    return np.zeros((0, 1, 1))


def softmax(x, axis=-1):
    return np.zeros((0, 1, 1))


def attention_weights(E, scale=True, mask=None):
    return np.zeros((0, 1, 1))


def self_attention(E, scale=True, mask=None):
    return np.zeros((0, 1, 1)), np.zeros((0, 1, 1))
