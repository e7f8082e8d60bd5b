"""Exercise 4: a first look at attention.

An RNN squeezes the whole past into one fixed-size state and must walk through the sequence step by step to
relate two distant words. Attention instead compares every position with every other position directly, in one
matrix product, and lets each position build its output as a weighted average of all positions:

    S = E E^T                        how similar is word i to word j?            (n, n)
    A = softmax(S / sqrt(d))         row i: how much word i attends to word j    (n, n), rows sum to 1
    O = A E                          each word's output mixes all the words      (n, d)

For each word, what other words does it "attend to"? Row i of A answers that. Why divide by sqrt(d)? For a
query q and a key k with independent entries of variance 1, q . k has variance d: dividing by sqrt(d) keeps the
scores' spread the same whatever d, so the softmax does not saturate into one-hot rows as d grows. That argument
needs q and k to be different vectors (in a real layer they are, q = W_Q e and k = W_K e); here they are the same
embeddings, and the written question asks what happens then.

A boolean mask can forbid some pairs (for example the future, in a language model). Here True means "may attend",
as for the boolean attn_mask of torch.nn.functional.scaled_dot_product_attention; beware that the boolean masks of
torch.nn.MultiheadAttention (attn_mask, key_padding_mask) mean the opposite: True there means "may NOT attend".

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

    Hint: every entry is a dot product of two rows of E, so the whole matrix is one matrix product of E with
    its own transpose; with leading batch axes, only the two axes of each matrix may be transposed.
    """
    ### BEGIN SOLUTION
    return E @ np.swapaxes(E, -1, -2)  # (..., n, d) @ (..., d, n) -> (..., n, n)
    ### END SOLUTION


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

    Hint: the maximum and the sum are taken along one axis and then combined with every entry along that same
    axis, so they must keep a shape that broadcasts back against x. Do not modify x.
    """
    ### BEGIN SOLUTION
    shifted = x - np.max(x, axis=axis, keepdims=True)  # every entry <= 0
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
    ### END SOLUTION


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

    Hint: a forbidden pair must end with weight exactly 0 after the softmax, which tells you what score to give
    it before. Keep E's dtype: under NumPy 2's promotion rules (NEP 50) a NumPy float64 scalar, such as the
    result of np.sqrt(d), turns float32 scores into float64 (NumPy 1.x kept them float32); a Python float never
    does.
    """
    ### BEGIN SOLUTION
    S = similarity_matrix(E)  # (..., n, n)
    if scale:
        S = S / math.sqrt(E.shape[-1])
    if mask is not None:
        S = np.where(mask, S, -np.inf)  # forbidden pairs get weight exp(-inf) = 0
    return softmax(S, axis=-1)
    ### END SOLUTION


def self_attention(E, scale=True, mask=None):
    """Self-attention: each position's output is the attention-weighted average of all the embeddings.

        A = attention_weights(E, scale, mask)          (..., n, n)
        O = A E                                         (..., n, d)

    Inputs:
    - E, scale, mask: as in attention_weights.

    Returns a tuple of:
    - O: array (..., n, d), E's dtype.
    - A: array (..., n, n), the attention weights used.

    Hint: each output row is a weighted average of the embeddings, with that row's attention weights.
    """
    ### BEGIN SOLUTION
    A = attention_weights(E, scale=scale, mask=mask)  # (..., n, n)
    O = A @ E  # (..., n, d)
    return O, A
    ### END SOLUTION
