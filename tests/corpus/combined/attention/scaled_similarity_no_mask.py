"""similarity_matrix divides by sqrt(d) already (so the weights divide twice), and the mask is never applied."""

import math

import numpy as np


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2) / math.sqrt(E.shape[-1])


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
