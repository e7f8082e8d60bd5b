"""three at once: no max subtraction in the softmax, the scores divided by d, masked scores set to 0."""

import numpy as np


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)


def softmax(x, axis=-1):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / E.shape[-1]
    if mask is not None:
        S = np.where(mask, S, 0.0)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
