"""the similarity is the cosine similarity (normalised embeddings), not the plain dot product.
"""

import math

import numpy as np


def similarity_matrix(E):
    norms = np.sqrt(np.sum(E ** 2, axis=-1, keepdims=True))  # (..., n, 1)
    U = E / norms
    return U @ np.swapaxes(U, -1, -2)


def softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale=scale, mask=mask)
    return A @ E, A
