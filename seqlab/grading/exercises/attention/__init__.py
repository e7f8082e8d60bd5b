"""The exercise exercises/attention.py: similarity matrix, stable softmax, attention weights."""

import numpy as np

from seqlab.grading.spec import Check, Exercise, mistakes, normal


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


NAME = "attention"

MISTAKES = mistakes(
    NAME,
    ("transposed_similarity", "this is E^T E (d x d); the similarity matrix is E E^T (n x n): S[i, j] = E[i] . E[j]"),
    ("cosine_similarity", "the embeddings were normalised (cosine similarity); S is the plain dot product E[i] . E[j]"),
    ("softmax_overflow",
     "softmax overflows: exp of large logits is inf; subtract the max along the axis before exp "
     "(softmax(x) = softmax(x - max x))"),
    ("softmax_wrong_axis",
     "the softmax normalises over the wrong axis (each column sums to 1); normalise along the given "
     "axis (the last one for attention: each row sums to 1)"),
    ("softmax_global", "the softmax normalises over the whole array; normalise along one axis"),
    ("weights_over_rows",
     "the attention weights are normalised over axis -2 (columns); each row (one query position) must "
     "sum to 1: softmax over the last axis"),
    ("scaled_by_d", "the scores were divided by d; scaled dot-product attention divides by sqrt(d)"),
    ("scale_ignored", "scale=True did not divide the scores by sqrt(d)"),
    ("always_scaled", "the scores were divided by sqrt(d) even with scale=False"),
    ("mask_ignored", "the mask was ignored: masked positions (mask False) must get weight 0"),
    ("mask_inverted", "the mask is inverted: False means 'may not attend', so those scores become -inf"),
    ("mask_zeroed_scores",
     "masked scores were set to 0 instead of -inf, so masked positions still get weight; use -inf "
     "before the softmax"),
    ("output_transposed", "the output is E^T-based (weights^T @ E); output = weights @ E"),
)

EXERCISE = Exercise(
    name=NAME,
    position=4,
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
    mistakes=MISTAKES,
)
