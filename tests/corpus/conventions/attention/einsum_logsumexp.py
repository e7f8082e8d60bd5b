"""einsum over any leading axes, and a softmax through log-sum-exp; right."""

import math

import numpy as np


def similarity_matrix(E):
    return np.einsum("...id,...jd->...ij", E, E)


def softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    lse = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return np.exp(x - lse)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return np.einsum("...ij,...jd->...id", A, E), A
