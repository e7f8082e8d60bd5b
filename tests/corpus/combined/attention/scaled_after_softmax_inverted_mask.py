"""the division by sqrt(d) comes after the softmax, and the mask is inverted."""

import math

import numpy as np


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if mask is not None:
        S = np.where(mask, -np.inf, S)
    A = softmax(S, axis=-1)
    return A / math.sqrt(E.shape[-1]) if scale else A


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
