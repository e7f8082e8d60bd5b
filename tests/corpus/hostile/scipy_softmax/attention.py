"""HOSTILE (a forbidden library, through importlib): the softmax, and so the attention weights, are
scipy.special.softmax's. Right, and not the student's work: the child has numpy only."""

import importlib
import math

import numpy as np

special = importlib.import_module("scipy.special")


def similarity_matrix(E):
    return E @ np.swapaxes(E, -1, -2)  # (..., n, n)


def softmax(x, axis=-1):
    return special.softmax(x, axis=axis)


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
