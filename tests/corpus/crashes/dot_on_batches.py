"""np.dot for the batched similarity: no error, but the shape (B, n, B, n)."""

import math

import numpy as np


def similarity_matrix(E):
    return np.dot(E, np.swapaxes(E, -1, -2))


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = E @ np.swapaxes(E, -1, -2)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
