"""scale=True divides by nothing, and masked scores are set to 0 instead of -inf."""

import numpy as np


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)


def softmax(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if mask is not None:
        S = S * mask  # zero out what may not be attended
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale=scale, mask=mask)
    return A @ E, A
