"""Known mistakes in the attention preview: similarity matrix, softmax, attention weights."""

from types import SimpleNamespace

import numpy as np

from reference import attention as right
from reference.mistakes import Mistake


def _naive_softmax(x, axis=-1):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=axis, keepdims=True)


def _wrong_axis_softmax(x, axis=-1):
    return right.softmax(x, axis=0 if axis in (-1, x.ndim - 1) else -1)


def _global_softmax(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def _transposed_similarity(E):
    return np.swapaxes(E, -1, -2) @ E  # (..., d, d)


def _cosine_similarity(E):
    U = E / np.linalg.norm(E, axis=-1, keepdims=True)
    return U @ np.swapaxes(U, -1, -2)


def _api(similarity=right.similarity_matrix, softmax=right.softmax, scale_by=np.sqrt,
         apply_mask=lambda S, m: np.where(m, S, -np.inf), always_scale=False, output=lambda A, E: A @ E,
         weights_axis=-1):
    """The attention API with one piece swapped for a wrong one; the other functions use the wrong piece."""

    def attention_weights(E, scale=True, mask=None):
        S = similarity(E)
        if scale or always_scale:
            S = S / scale_by(E.shape[-1])
        if mask is not None:
            S = apply_mask(S, np.asarray(mask, dtype=bool))
        return softmax(S, axis=weights_axis)

    def self_attention(E, scale=True, mask=None):
        A = attention_weights(E, scale=scale, mask=mask)
        return output(A, E), A

    return SimpleNamespace(similarity_matrix=similarity, softmax=softmax, attention_weights=attention_weights,
                           self_attention=self_attention)


MISTAKES = [
    Mistake("transposed_similarity", "this is E^T E (d x d); the similarity matrix is E E^T (n x n): "
            "S[i, j] = E[i] . E[j]", _api(similarity=_transposed_similarity)),
    Mistake("cosine_similarity", "the embeddings were normalised (cosine similarity); S is the plain dot "
            "product E[i] . E[j]", _api(similarity=_cosine_similarity)),
    Mistake("softmax_overflow", "softmax overflows: exp of large logits is inf; subtract the max along the "
            "axis before exp (softmax(x) = softmax(x - max x))", _api(softmax=_naive_softmax)),
    Mistake("softmax_wrong_axis", "the softmax normalises over the wrong axis (each column sums to 1); "
            "normalise along the given axis (the last one for attention: each row sums to 1)",
            _api(softmax=_wrong_axis_softmax)),
    Mistake("softmax_global", "the softmax normalises over the whole array; normalise along one axis",
            _api(softmax=_global_softmax)),
    Mistake("weights_over_rows", "the attention weights are normalised over axis -2 (columns); each row "
            "(one query position) must sum to 1: softmax over the last axis", _api(weights_axis=-2)),
    Mistake("scaled_by_d", "the scores were divided by d; scaled dot-product attention divides by sqrt(d)",
            _api(scale_by=lambda d: d)),
    Mistake("scale_ignored", "scale=True did not divide the scores by sqrt(d)", _api(scale_by=lambda d: 1.0)),
    Mistake("always_scaled", "the scores were divided by sqrt(d) even with scale=False", _api(always_scale=True)),
    Mistake("mask_ignored", "the mask was ignored: masked positions (mask False) must get weight 0",
            _api(apply_mask=lambda S, m: S)),
    Mistake("mask_inverted", "the mask is inverted: False means 'may not attend', so those scores become -inf",
            _api(apply_mask=lambda S, m: np.where(m, -np.inf, S))),
    Mistake("mask_zeroed_scores", "masked scores were set to 0 instead of -inf, so masked positions still "
            "get weight; use -inf before the softmax", _api(apply_mask=lambda S, m: np.where(m, S, 0.0))),
    Mistake("output_transposed", "the output is E^T-based (weights^T @ E); output = weights @ E",
            _api(output=lambda A, E: np.swapaxes(A, -1, -2) @ E)),
]
