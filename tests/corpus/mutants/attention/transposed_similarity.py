"""the similarity matrix is E^T E (d x d) instead of E E^T (n x n).
"""

import math

import numpy as np


def similarity_matrix(E):
    Et = np.swapaxes(E, -1, -2)  # (..., d, n)
    return Et @ E


def softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / e.sum(axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale=scale, mask=mask)
    return A @ E, A
