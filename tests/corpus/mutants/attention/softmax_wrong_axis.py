"""softmax ignores its axis argument and always normalises over axis 0 (down the columns).
"""

import math

import numpy as np


def similarity_matrix(E):
    return np.matmul(E, np.swapaxes(E, -1, -2))


def softmax(x, axis=-1):
    # subtract the column max for stability, then normalise every column
    ex = np.exp(x - x.max(axis=0, keepdims=True))
    return ex / ex.sum(axis=0, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    scores = similarity_matrix(E)
    if scale:
        scores = scores / math.sqrt(E.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return softmax(scores, axis=-1)


def self_attention(E, scale=True, mask=None):
    weights = attention_weights(E, scale, mask)
    return weights @ E, weights
