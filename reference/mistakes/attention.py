"""Known mistakes in the attention preview: similarity matrix, softmax, attention weights."""

from types import SimpleNamespace

import numpy as np

from reference import attention as right


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


# What each known mistake computes, by the key its spec gives it (seqlab/grading/exercises/attention/).
VARIANTS = {
    "transposed_similarity": _api(similarity=_transposed_similarity),
    "cosine_similarity": _api(similarity=_cosine_similarity),
    "softmax_overflow": _api(softmax=_naive_softmax),
    "softmax_wrong_axis": _api(softmax=_wrong_axis_softmax),
    "softmax_global": _api(softmax=_global_softmax),
    "weights_over_rows": _api(weights_axis=-2),
    "scaled_by_d": _api(scale_by=lambda d: d),
    "scale_ignored": _api(scale_by=lambda d: 1.0),
    "always_scaled": _api(always_scale=True),
    "mask_ignored": _api(apply_mask=lambda S, m: S),
    "mask_inverted": _api(apply_mask=lambda S, m: np.where(m, -np.inf, S)),
    "mask_zeroed_scores": _api(apply_mask=lambda S, m: np.where(m, S, 0.0)),
    "output_transposed": _api(output=lambda A, E: np.swapaxes(A, -1, -2) @ E),
}
