"""the scores are divided by d instead of sqrt(d).
"""

import numpy as np


def similarity_matrix(E):
    return np.einsum("...id,...jd->...ij", E, E)


def softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    d = E.shape[-1]
    S = similarity_matrix(E)
    if scale:
        S = S / d  # normalise by the embedding size
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    return softmax(S)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale=scale, mask=mask)
    return np.einsum("...ij,...jd->...id", A, E), A
