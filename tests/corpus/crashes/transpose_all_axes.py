"""E @ E.T: right for one (n, d) sequence, but .T reverses every axis of a batch."""

import math

import numpy as np


def similarity_matrix(E):
    return E @ E.T


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
