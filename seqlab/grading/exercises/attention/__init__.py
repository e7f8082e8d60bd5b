"""The exercise exercises/attention.py: similarity matrix, stable softmax, attention weights."""

import numpy as np

from seqlab.grading.exercises.attention.feedback import FINDINGS, PARTS, PROBES
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
    ("similarity_scaled",
     "similarity_matrix already divides by sqrt(d); S is the plain E E^T (the scaling belongs to attention_weights)"),
    ("softmax_overflow",
     "softmax overflows: exp of large logits is inf; subtract the max along the axis before exp "
     "(softmax(x) = softmax(x - max x))"),
    ("softmax_wrong_axis",
     "the softmax ignores its axis argument and always normalises over axis 0 (each column sums to 1); "
     "normalise along the given axis (the last one for attention: each row sums to 1)"),
    ("softmax_global", "the softmax normalises over the whole array; normalise along one axis"),
    ("softmax_global_max",
     "the softmax subtracts the maximum of the whole array, not of each slice: slices far below it underflow to "
     "0 / 0 = nan; subtract np.max(x, axis=axis, keepdims=True)"),
    ("softmax_axis_ignored", "the softmax ignores its axis argument and always normalises over the last axis"),
    ("weights_over_rows",
     "the attention weights are normalised over axis -2 (columns); each row (one query position) must "
     "sum to 1: softmax over the last axis"),
    ("scaled_by_d", "the scores were divided by d; scaled dot-product attention divides by sqrt(d)"),
    ("scaled_by_sqrt_n",
     "the scores were divided by sqrt(n), the sequence length; divide by sqrt(d), d = E.shape[-1] the embedding size"),
    ("scale_ignored", "scale=True did not divide the scores by sqrt(d)"),
    ("always_scaled", "the scores were divided by sqrt(d) even with scale=False"),
    ("scaled_after_softmax",
     "the weights were divided by sqrt(d) after the softmax (rows no longer sum to 1); divide the scores before it"),
    ("mask_ignored", "the mask was ignored: masked positions (mask False) must get weight 0"),
    ("mask_inverted", "the mask is inverted: False means 'may not attend', so those scores become -inf"),
    ("mask_zeroed_scores",
     "masked scores were set to 0 instead of -inf, so masked positions still get weight; use -inf "
     "before the softmax"),
    ("mask_by_arithmetic",
     "the mask was applied as S * mask + (1 - mask) * (-inf), and 0 * (-inf) is nan: every score became nan; use "
     "np.where(mask, S, -np.inf)"),
    ("mask_after_softmax",
     "the mask was applied after the softmax (weights * mask), so the rows no longer sum to 1; set the masked "
     "scores to -inf before the softmax"),
    ("output_transposed", "the output is E^T-based (weights^T @ E); output = weights @ E"),
    ("returns_swapped", "self_attention returns (weights, output); it returns (output, weights)"),
)

EXERCISE = Exercise(
    name=NAME,
    position=4,
    title="Attention preview",
    api=("similarity_matrix", "softmax", "attention_weights", "self_attention"),
    checks=(
        Check("similarity_batched", 4, "similarity", "S = E E^T on batched (B=2, n=5, d=3) embeddings",
              _embeddings((2, 5, 3)), "similarity_matrix"),
        Check("similarity_2d", 2, "similarity", "S = E E^T on one (n=4, d=6) sequence", _embeddings((4, 6)),
              "similarity_matrix"),
        Check("softmax_large_logits", 4, "softmax", "logits of magnitude 1e4 and a row spanning [0, 1000]",
              _large_logits, "softmax"),
        Check("softmax_axis0", 2, "softmax", "softmax over axis=0 of a 5x3 array", _axis0, "softmax"),
        Check("softmax_neg_inf", 2, "softmax", "-inf logits get weight exactly 0", _neg_inf, "softmax"),
        Check("weights_scaled", 4, "attention_weights", "softmax(E E^T / sqrt(d)) over the last axis, batched",
              _weights(True, False), "attention_weights"),
        Check("weights_unscaled", 2, "attention_weights", "scale=False: no division by sqrt(d)",
              _weights(False, False), "attention_weights"),
        Check("weights_masked", 3, "attention_weights", "causal boolean mask (n, n) broadcast over the batch",
              _weights(True, True), "attention_weights"),
        Check("self_attention_masked", 2, "self_attention", "output = weights @ E with a causal mask",
              _weights(True, True, (3, 4, 6)), "self_attention"),
    ),
    mistakes=MISTAKES,
    parts=PARTS,
    probes=PROBES,
    findings=FINDINGS,
)
