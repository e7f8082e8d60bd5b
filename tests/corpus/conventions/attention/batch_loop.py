"""every function reshapes to (batch, n, d) and loops over the batch with 2-D products; right."""

import math

import numpy as np


def _batched(E):
    return E.reshape((-1,) + E.shape[-2:])


def similarity_matrix(E):
    flat = _batched(E)
    S = np.stack([e @ e.T for e in flat])
    return S.reshape(E.shape[:-1] + (E.shape[-2],))


def softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    S = similarity_matrix(E)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(np.broadcast_to(mask, S.shape), S, -np.inf)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    A = attention_weights(E, scale, mask)
    out = np.stack([a @ e for a, e in zip(_batched(A), _batched(E))])
    return out.reshape(E.shape), A
