"""the mask multiplies the weights after the softmax (rows no longer sum to 1), and scale=True is ignored."""

import numpy as np


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    A = softmax(similarity_matrix(E), axis=-1)
    if mask is not None:
        A = A * mask
    return A


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
