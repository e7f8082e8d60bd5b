"""Known mistakes in the attention preview, as switches of one parameterised attention API.

``variant(**switches)`` is the reference API with any combination of the switches flipped (a wrong piece is used
by every function that needs it, as a student's attention_weights calls their own softmax); ``SWITCHES`` gives,
for every mistake key of the spec, the switch values that make exactly that mistake. Two mistakes that set the
same switch (two wrong softmaxes, two wrong scales) cannot be combined.
"""

import math
from types import SimpleNamespace

import numpy as np

from reference import attention as right


def _naive_softmax(x, axis=-1):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=axis, keepdims=True)


def _first_axis_softmax(x, axis=-1):
    return right.softmax(x, axis=0)


def _global_softmax(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def _global_shift_softmax(x, axis=-1):
    """Shifted by the maximum of the whole array: slices far below it underflow to 0 / 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        e = np.exp(x - np.max(x))
        return e / e.sum(axis=axis, keepdims=True)


def _last_axis_softmax(x, axis=-1):
    return right.softmax(x, axis=-1)


def _masked_by_arithmetic(S, m):
    """S * mask + (1 - mask) * -inf: 0 * -inf is nan, so every score becomes nan."""
    with np.errstate(invalid="ignore"):
        return S * m + (1 - m) * -np.inf


SIMILARITIES = {
    "dot": right.similarity_matrix,
    "transposed": lambda E: np.swapaxes(E, -1, -2) @ E,  # (..., d, d)
    "cosine": lambda E: right.similarity_matrix(E / np.linalg.norm(E, axis=-1, keepdims=True)),
    "scaled": lambda E: right.similarity_matrix(E) / math.sqrt(E.shape[-1]),
}
SOFTMAXES = {"stable": right.softmax, "naive": _naive_softmax, "first_axis": _first_axis_softmax,
             "global": _global_softmax, "global_shift": _global_shift_softmax, "axis_ignored": _last_axis_softmax}
SCALES = {"sqrt_d": lambda n, d: math.sqrt(d), "d": lambda n, d: d, "none": lambda n, d: 1.0,
          "sqrt_n": lambda n, d: math.sqrt(n)}
MASKINGS = {
    "neg_inf": lambda S, m: np.where(m, S, -np.inf),
    "ignored": lambda S, m: S,
    "inverted": lambda S, m: np.where(m, -np.inf, S),
    "zeroed": lambda S, m: np.where(m, S, 0.0),
    "multiplied": lambda S, m: _masked_by_arithmetic(S, m),
}


def variant(*, similarity="dot", softmax="stable", scale_by="sqrt_d", always_scale=False, scale_after_softmax=False,
            masking="neg_inf", mask_after_softmax=False, weights_axis=-1, output="weights_E",
            returned="output_weights"):
    """The attention API making exactly the mistakes the switches name.

        S = similarity(E);  S = S / scale(n, d) when scale (or always_scale);  S = masking(S, mask)
        A = softmax(S, axis=weights_axis)   (or A = softmax(S) * mask when mask_after_softmax: not renormalised)
        O = A E  ("weights_E")  or  A^T E ("transposed");  self_attention returns (O, A) or (A, O)
    With scale_after_softmax the division by scale(n, d) comes after the softmax: A = softmax(S) / scale(n, d).
    """
    similarity_matrix, soft = SIMILARITIES[similarity], SOFTMAXES[softmax]

    def attention_weights(E, scale=True, mask=None):
        S = similarity_matrix(E)
        divisor = SCALES[scale_by](E.shape[-2], E.shape[-1]) if scale or always_scale else 1.0
        if not scale_after_softmax:
            S = S / divisor
        if mask is not None and not mask_after_softmax:
            S = MASKINGS[masking](S, np.asarray(mask, dtype=bool))
        A = soft(S, axis=weights_axis)
        if mask is not None and mask_after_softmax:
            A = A * np.asarray(mask, dtype=bool)
        return A / divisor if scale_after_softmax else A

    def self_attention(E, scale=True, mask=None):
        A = attention_weights(E, scale=scale, mask=mask)
        O = np.swapaxes(A, -1, -2) @ E if output == "transposed" else A @ E
        return (A, O) if returned == "weights_output" else (O, A)

    return SimpleNamespace(similarity_matrix=similarity_matrix, softmax=soft, attention_weights=attention_weights,
                           self_attention=self_attention)


# For each mistake key of the spec (seqlab/grading/exercises/attention/): the switches that make it.
SWITCHES = {
    "transposed_similarity": {"similarity": "transposed"},
    "cosine_similarity": {"similarity": "cosine"},
    "similarity_scaled": {"similarity": "scaled"},
    "softmax_overflow": {"softmax": "naive"},
    "softmax_wrong_axis": {"softmax": "first_axis"},
    "softmax_global": {"softmax": "global"},
    "softmax_global_max": {"softmax": "global_shift"},
    "softmax_axis_ignored": {"softmax": "axis_ignored"},
    "weights_over_rows": {"weights_axis": -2},
    "scaled_by_d": {"scale_by": "d"},
    "scaled_by_sqrt_n": {"scale_by": "sqrt_n"},
    "scale_ignored": {"scale_by": "none"},
    "always_scaled": {"always_scale": True},
    "scaled_after_softmax": {"scale_after_softmax": True},
    "mask_ignored": {"masking": "ignored"},
    "mask_inverted": {"masking": "inverted"},
    "mask_zeroed_scores": {"masking": "zeroed"},
    "mask_by_arithmetic": {"masking": "multiplied"},
    "mask_after_softmax": {"mask_after_softmax": True},
    "output_transposed": {"output": "transposed"},
    "returns_swapped": {"returned": "weights_output"},
}
