"""scores[~mask] = -inf with an (n, n) mask on (B, n, n) scores: boolean indexing does not broadcast."""

import math

import numpy as np


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    scores = similarity_matrix(E)
    if scale:
        scores = scores / math.sqrt(E.shape[-1])
    if mask is not None:
        scores[~mask] = -np.inf
    return softmax(scores, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
