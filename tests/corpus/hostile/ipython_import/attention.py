"""HOSTILE (an interactive shell, through __import__): right answers in numpy, but first IPython, which can run
shell commands and load extensions wherever the grader lets it be imported. The child has numpy and the standard
library only: the import fails, and with it the module."""

import math

import numpy as np

IPython = __import__("IPython")


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)  # (..., n, n)


def softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)  # no overflow for large logits
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    scores = similarity_matrix(E)
    if scale:
        scores = scores / math.sqrt(E.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return softmax(scores, axis=-1)


def self_attention(E, scale=True, mask=None):
    weights = attention_weights(E, scale, mask)
    return weights @ E, weights
