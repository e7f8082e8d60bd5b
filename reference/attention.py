"""Dot-product self-attention, the step from "compare every pair of words" to a weighted summary.

For embeddings E of shape (..., n, d) (n positions, d features):

    S = E E^T                                  similarity_matrix, S[i, j] = E[i] . E[j]        (..., n, n)
    A = softmax(S / sqrt(d))                   attention_weights, softmax over the last axis (..., n, n)
    O = A E                                    self_attention output                           (..., n, d)

A boolean mask (False = may not attend) sets the masked scores to -inf before the softmax, so they get weight 0.
Every function keeps E's floating dtype.
"""

import numpy as np


def similarity_matrix(E):
    """Pairwise dot products S[..., i, j] = E[..., i, :] . E[..., j, :].

    Inputs:
    - E: array (..., n, d), float32 or float64.

    Returns:
    - S: array (..., n, n), E's dtype.
    """
    return E @ np.swapaxes(E, -1, -2)  # (..., n, d) @ (..., d, n) -> (..., n, n)


def softmax(x, axis=-1):
    """Numerically stable softmax along one axis.

        softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m),   m = max_j x_j

    Subtracting m changes nothing mathematically and keeps every exponent <= 0, so nothing overflows (logits
    of magnitude 1e4 are fine) and the largest term is exactly 1, so the sum never underflows to 0.
    Entries equal to -inf get weight 0. A slice whose entries are all -inf has no defined softmax; it comes
    out as NaN, without a warning.

    Inputs:
    - x: array of any shape, float32 or float64.
    - axis: the axis to normalise over.

    Returns:
    - p: array of x's shape and dtype, non-negative, summing to 1 along axis.
    """
    x = np.asarray(x)
    m = np.max(x, axis=axis, keepdims=True)
    # An all -inf slice has m = -inf and x - m = NaN; shifting it by 0 instead avoids the invalid subtraction.
    m = np.where(np.isfinite(m), m, 0)
    e = np.exp(x - m)  # all <= 1
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 for an all -inf slice: NaN by contract
        return e / np.sum(e, axis=axis, keepdims=True)


def attention_weights(E, scale=True, mask=None):
    """Scaled dot-product self-attention weights.

        A = softmax(S / sqrt(d)),  S = E E^T      (no division by sqrt(d) when scale is False)
        masked entries (mask False) get score -inf, hence weight 0.

    Inputs:
    - E: array (..., n, d), float32 or float64.
    - scale: whether to divide the scores by sqrt(d).
    - mask: None, or boolean array broadcastable to (..., n, n); mask[..., i, j] False means position i may
      not attend to position j.

    Returns:
    - A: array (..., n, n), E's dtype; each row sums to 1 (a fully masked row is NaN).
    """
    S = similarity_matrix(E)  # (..., n, n)
    if scale:
        d = E.shape[-1]
        S = S / (d ** 0.5)  # a Python float divisor keeps float32 as float32 (np.sqrt would give float64)
    if mask is not None:
        S = np.where(np.asarray(mask, dtype=bool), S, -np.inf)  # (..., n, n)
    return softmax(S, axis=-1)


def self_attention(E, scale=True, mask=None):
    """Self-attention: every position's output is the attention-weighted average of all embeddings.

        A = attention_weights(E, scale, mask)     (..., n, n)
        O = A E                                    (..., n, d)

    Inputs:
    - E, scale, mask: as in attention_weights.

    Returns:
    - O: array (..., n, d), E's dtype.
    - A: array (..., n, n), the weights.
    """
    A = attention_weights(E, scale=scale, mask=mask)  # (..., n, n)
    return A @ E, A
