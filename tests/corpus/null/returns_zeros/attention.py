"""does nothing: zeros of the right shapes."""

import numpy as np


def similarity_matrix(E):
    return np.zeros(E.shape[:-1] + (E.shape[-2],))


def softmax(x, axis=-1):
    return np.zeros_like(x)


def attention_weights(E, scale=True, mask=None):
    return similarity_matrix(E)


def self_attention(E, scale=True, mask=None):
    return np.zeros_like(E), similarity_matrix(E)
