"""three at once: the weights normalised over columns, the mask ignored, the output from the transposed weights."""

import numpy as np


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / np.sqrt(E.shape[-1])
    return softmax(S, axis=-2)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return np.swapaxes(A, -1, -2) @ E, A
