"""divided by sqrt(n), the sequence length, and the output built from the transposed weights."""

import numpy as np


def similarity_matrix(E):
    return np.matmul(E, np.swapaxes(E, -1, -2))


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    n = E.shape[-2]
    S = similarity_matrix(E)
    if scale:
        S = S / n ** 0.5
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return np.swapaxes(A, -1, -2) @ E, A
