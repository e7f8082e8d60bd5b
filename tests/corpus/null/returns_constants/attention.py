"""does nothing: uniform weights, ones for everything else."""

import numpy as np


def similarity_matrix(E):
    return np.ones(E.shape[:-1] + (E.shape[-2],))


def softmax(x, axis=-1):
    return np.full_like(x, 1.0 / x.shape[axis])


def attention_weights(E, scale=True, mask=None):
    n = E.shape[-2]
    return np.full(E.shape[:-1] + (n,), 1.0 / n)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E)
    return np.ones_like(E), A
