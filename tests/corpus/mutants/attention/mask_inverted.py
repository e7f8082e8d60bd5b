"""the mask is applied the wrong way round: positions where mask is True get -inf.
"""

import math

import numpy as np


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)


def softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = S.copy()
        S[np.broadcast_to(mask, S.shape)] = -np.inf  # block the masked entries
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale=scale, mask=mask)
    return A @ E, A
