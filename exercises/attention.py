"""Exercise 4: a first look at attention.

An RNN squeezes the whole past into one fixed-size state and must walk through the sequence step by step to
relate two distant words. Attention instead compares every position with every other position directly, in one
matrix product, and lets each position build its output as a weighted average of all positions:

    S = E E^T                        how similar is word i to word j?            (n, n)
    A = softmax(S / sqrt(d))         row i: how much word i attends to word j    (n, n), rows sum to 1
    O = A E                          each word's output mixes all the words      (n, d)

For each word, what other words does it "attend to"? Row i of A answers that. Dividing by sqrt(d) keeps the
scores' spread about the same whatever the embedding size d, so the softmax does not saturate into one-hot rows.
A boolean mask can forbid some pairs (for example the future, in a language model).

Every function works on a single sequence E of shape (n, d) or on a batch (..., n, d), and keeps E's dtype.
"""

import math

import numpy as np


def similarity_matrix(E):
    """Dot product of every pair of embeddings.

        S[..., i, j] = E[..., i, :] . E[..., j, :]          i.e.  S = E E^T

    Inputs:
    - E: array (..., n, d), float32 or float64: n embeddings of size d (any leading batch axes).

    Returns:
    - S: array (..., n, n), E's dtype, symmetric in its last two axes.

    Hint: use the matrix product `@`, which also works batch by batch on leading axes. Transpose only the last
    two axes (np.swapaxes(E, -1, -2)); E.T would reverse the batch axes too.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def softmax(x, axis=-1):
    """Numerically stable softmax along one axis.

        softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m),      m = max_j x_j

    Subtracting the maximum m does not change the result (it cancels between numerator and denominator), but
    it makes every exponent <= 0, so exp cannot overflow even for logits like 1e4, and the largest term is
    exactly 1, so the denominator cannot underflow to 0. Entries equal to -inf get weight exactly 0.

    Inputs:
    - x: array of any shape, float32 or float64.
    - axis: the axis to normalise over (default: the last one).

    Returns:
    - p: array of x's shape and dtype, entries >= 0 that sum to 1 along axis. (If every entry along the axis is
      -inf there is nothing to normalise, and the result there is unspecified.)

    Hint: np.max and np.sum take `axis=` and `keepdims=True`; keepdims keeps the reduced axis with size 1 so
    the result broadcasts against x. Do not modify x.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def attention_weights(E, scale=True, mask=None):
    """Scaled dot-product attention weights of a sequence with itself.

        A = softmax(S / sqrt(d)),   S = similarity_matrix(E)          (no division by sqrt(d) if scale is False)
        where mask[..., i, j] is False, the score is set to -inf before the softmax, so A[..., i, j] = 0.

    Inputs:
    - E: array (..., n, d), float32 or float64.
    - scale: bool, whether to divide the scores by sqrt(d), d = E.shape[-1].
    - mask: None, or a boolean array broadcastable to (..., n, n); True means position i may attend to
      position j, False means it may not.

    Returns:
    - A: array (..., n, n), E's dtype; each row sums to 1 (when it has at least one allowed position).

    Hint: reuse similarity_matrix and softmax (over the last axis). np.where(mask, S, -np.inf) keeps allowed
    scores and replaces the rest. math.sqrt(d) is a Python float, which keeps float32 scores in float32
    (np.sqrt(d) is a numpy float64 and would turn them into float64).
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def self_attention(E, scale=True, mask=None):
    """Self-attention: each position's output is the attention-weighted average of all the embeddings.

        A = attention_weights(E, scale, mask)          (..., n, n)
        O = A E                                         (..., n, d)

    Inputs:
    - E, scale, mask: as in attention_weights.

    Returns a tuple of:
    - O: array (..., n, d), E's dtype.
    - A: array (..., n, n), the attention weights used.

    Hint: one call to attention_weights and one matrix product.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
