"""E^T E as the similarity (the d x d Gram matrix), and a softmax without the max subtraction."""

import numpy as np


def similarity_matrix(E):
    return np.swapaxes(E, -1, -2) @ E


def softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / np.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
