"""einsum code with a mistake of its own: the scores are divided by 2 sqrt(d) (a temperature of 2)."""

import math

import numpy as np


def similarity_matrix(E):
    return np.einsum("...id,...jd->...ij", E, E)


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / (2.0 * math.sqrt(E.shape[-1]))
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return np.einsum("...ij,...jd->...id", A, E), A
