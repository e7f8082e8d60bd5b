"""cosine similarity instead of dot products, and the mask read the wrong way (True = blocked)."""

import math

import numpy as np


def similarity_matrix(E):
    U = E / np.linalg.norm(E, axis=-1, keepdims=True)
    return U @ np.swapaxes(U, -1, -2)


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(mask, -np.inf, S)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
