"""HOSTILE: similarity_matrix ends the whole process with exit status 0 (os._exit skips every handler).

A test runner or grader that runs this in its own process stops without a failure and exits 0: "success".
"""

import os

import numpy as np


def similarity_matrix(E):
    os._exit(0)


def softmax(x, axis=-1):
    return np.zeros_like(x)


def attention_weights(E, scale=True, mask=None):
    return softmax(similarity_matrix(E))


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    return A @ E, A
