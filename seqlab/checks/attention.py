"""Checks for exercises/attention.py: similarity matrix, stable softmax, attention weights."""

import numpy as np

from seqlab.checks import Check, Exercise, normal


def _embeddings(shape, scale=1.0, dtype=np.float64):
    def build(rng):
        return {"E": normal(rng, shape, scale, dtype)}, {}
    return build


def _large_logits(rng):
    # Logits of magnitude 1e4 overflow a softmax without max subtraction; the last row spreads [0, 1000].
    x = normal(rng, (4, 6), 1e4)
    x[-1] = np.linspace(0.0, 1000.0, 6)
    return {"x": x}, {"axis": -1}


def _axis0(rng):
    return {"x": normal(rng, (5, 3), 3.0)}, {"axis": 0}


def _neg_inf(rng):
    x = normal(rng, (3, 5), 2.0)
    x[0, 1] = x[1, 0] = x[1, 4] = x[2, 2] = -np.inf  # each row keeps finite entries
    return {"x": x}, {"axis": -1}


def _weights(scale, masked, shape=(2, 5, 3)):
    def build(rng):
        B, n, d = shape
        arrays = {"E": normal(rng, shape, 1.5)}  # (B, n, d) with n != d
        if masked:
            causal = np.tril(np.ones((n, n), dtype=bool))  # (n, n), broadcast over the batch
            arrays["mask"] = causal.astype(np.uint8)
        return arrays, {"scale": scale}
    return build


EXERCISE = Exercise(
    name="attention",
    title="Attention preview",
    api=("similarity_matrix", "softmax", "attention_weights", "self_attention"),
    checks=(
        Check("similarity_batched", 4, "similarity", "S = E E^T on batched (B=2, n=5, d=3) embeddings", _embeddings((2, 5, 3))),
        Check("similarity_2d", 2, "similarity", "S = E E^T on one (n=4, d=6) sequence", _embeddings((4, 6))),
        Check("softmax_large_logits", 4, "softmax", "logits of magnitude 1e4 and a row spanning [0, 1000]", _large_logits),
        Check("softmax_axis0", 2, "softmax", "softmax over axis=0 of a 5x3 array", _axis0),
        Check("softmax_neg_inf", 2, "softmax", "-inf logits get weight exactly 0", _neg_inf),
        Check("weights_scaled", 4, "attention_weights", "softmax(E E^T / sqrt(d)) over the last axis, batched", _weights(True, False)),
        Check("weights_unscaled", 2, "attention_weights", "scale=False: no division by sqrt(d)", _weights(False, False)),
        Check("weights_masked", 3, "attention_weights", "causal boolean mask (n, n) broadcast over the batch", _weights(True, True)),
        Check("self_attention_masked", 2, "self_attention", "output = weights @ E with a causal mask", _weights(True, True, (3, 4, 6))),
    ),
)
