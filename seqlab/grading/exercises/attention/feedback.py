"""How wrong attention results are localised and explained: parts, probes and findings (see seqlab.grading.spec).

    S = E E^T (..., n, n);   A = softmax(S / sqrt(d)) over the last axis, masked scores -inf;   O = A E
"""

import numpy as np

from seqlab.grading.spec import Finding, Part, Probe

# Below this a weight is "underflowed to 0": its log is no evidence about the score behind it.
TINY = 1e-250


def _softmax_output(case, outcome):
    return outcome.arrays["softmax"] if "x" in case.arrays else None


def _sums(key, axis_of):
    def of(case, outcome):
        if key not in outcome.arrays:
            return None
        return outcome.arrays[key].sum(axis=axis_of(case))
    return of


def _log_ratios(key, axis_of, allowed_of):
    """log p minus its mean along the axis, over the entries allowed and not underflowed: the same for any p
    proportional to exp(the right scores) along that axis, whatever the normalisation (a partial part)."""
    def of(case, outcome):
        if key not in outcome.arrays:
            return None
        p = outcome.arrays[key]
        axis = axis_of(case)
        keep = np.broadcast_to(allowed_of(case), p.shape) & (p > TINY)
        logs = np.log(np.where(keep, p, 1.0))
        with np.errstate(invalid="ignore", divide="ignore"):  # a slice with nothing kept has no mean
            mean = np.sum(np.where(keep, logs, 0.0), axis=axis, keepdims=True) / np.sum(keep, axis=axis, keepdims=True)
        return np.where(keep, logs - mean, np.nan)
    return of


def _softmax_axis(case):
    return case.args["axis"]


def _finite_x(case):
    return np.isfinite(case.arrays["x"])


def _at_neg_inf(case, outcome):
    if "x" not in case.arrays or not np.isneginf(case.arrays["x"]).any():
        return None
    return outcome.arrays["softmax"][np.isneginf(case.arrays["x"])]


def _allowed(case):
    return case.arrays["mask"].astype(bool) if "mask" in case.arrays else np.array(True)


def _weights(case, outcome):
    return outcome.arrays["weights"] if "output" in outcome.arrays else None


def _masked_weights(case, outcome):
    if "mask" not in case.arrays or "weights" not in outcome.arrays:
        return None
    A = outcome.arrays["weights"]
    return A[~np.broadcast_to(case.arrays["mask"].astype(bool), A.shape)]


def _output(case, outcome):
    return outcome.arrays.get("output")


def _output_residual(case, outcome):
    """O - A E with the student's own A: 0 when the output is right for their weights."""
    if "output" not in outcome.arrays:
        return None
    return outcome.arrays["output"] - outcome.arrays["weights"] @ case.arrays["E"]


def _last(case):
    return -1


def _finite(case, outcome):
    return np.isfinite(outcome.arrays["softmax"]).astype(np.float64) if "x" in case.arrays else None


PARTS = (
    Part("finite", "finite values", _finite, derived=True),
    Part("sums", "each slice summing to 1 along the axis", lambda c, o: _sums("softmax", _softmax_axis)(c, o)
         if "x" in c.arrays else None, derived=True),
    Part("proportional", "the values proportional to exp(x) along the axis",
         lambda c, o: _log_ratios("softmax", _softmax_axis, _finite_x)(c, o) if "x" in c.arrays else None,
         partial=True, derived=True),
    Part("neg_inf", "weight 0 at the -inf logits", _at_neg_inf),
    Part("rows", "each row of the weights summing to 1", lambda c, o: _sums("weights", _last)(c, o)
         if "output" not in o.arrays else None, derived=True),
    Part("masked", "weight 0 where the mask is False", lambda c, o: _masked_weights(c, o)
         if "output" not in o.arrays else None),
    Part("scores", "the scores S / sqrt(d) (the weights' log-ratios along each row)",
         lambda c, o: _log_ratios("weights", _last, _allowed)(c, o) if "output" not in o.arrays else None,
         partial=True, derived=True),
    Part("weights", "the weights A", _weights),
    Part("output", "the output O", _output),
    Part("output_from_weights", "O = A E for your own weights A", _output_residual, derived=True),
)


def _first_sequence(arrays, args):
    arrays["E"] = arrays["E"][0].copy()  # (n, d): one sequence, no batch axis
    return arrays, args


def _moderate(arrays, args):
    arrays["x"] = arrays["x"] / 1000.0
    return arrays, args


def _mask_all(arrays, args):
    arrays["mask"] = np.ones_like(arrays["mask"])
    return arrays, args


def _unscaled(arrays, args):
    return arrays, args | {"scale": False}


def _unmasked(arrays, args):
    del arrays["mask"]
    return arrays, args


def _reversed_batch(arrays, args):
    arrays["E"] = arrays["E"][::-1].copy()
    return arrays, args


def _batch_reversed_back(case, arrays):
    return {key: value[::-1] for key, value in arrays.items() if not key.startswith("input:")}


PROBES = (
    Probe("similarity_one_sequence", "similarity_batched", "one (n, d) sequence of the batch", _first_sequence),
    Probe("moderate_logits", "softmax_large_logits", "the logits divided by 1000", _moderate),
    Probe("all_allowed_mask", "weights_masked", "a mask that allows every pair", _mask_all),
    Probe("unscaled_masked", "weights_masked", "scale=False, with the mask", _unscaled),
    Probe("one_sequence", "weights_scaled", "one (n, d) sequence of the batch", _first_sequence),
    Probe("permuted_batch", "weights_scaled", "the batch in reverse order", _reversed_batch,
          relation=_batch_reversed_back),
    Probe("unmasked", "self_attention_masked", "no mask", _unmasked),
)


def _batched_only(e):
    return (e.check == "similarity_batched" and (e.passed("similarity_2d") or e.probe("similarity_one_sequence"))) \
        or (e.check.startswith("weights") and e.probe("one_sequence") and e.probe("permuted_batch") is not False)


FINDINGS = (
    Finding("batch_axes",
            "right for one (n, d) sequence, wrong for a batch (B, n, d): every operation must act on the last two "
            "axes only (np.swapaxes(E, -1, -2), not E.T, which reverses all of them; @, not np.dot)",
            _batched_only),
    Finding("not_normalised",
            "your values are proportional to exp(x) along the axis but do not sum to 1 along it: divide by the sum "
            "over that same axis (keepdims=True)",
            lambda e: e.part("finite") and e.part("proportional") and e.part("sums") is False),
    Finding("not_exp_ratios",
            "each slice sums to 1, but its values are not exp(x) / sum(exp(x)) along the axis",
            lambda e: e.part("finite") and e.part("sums") and e.part("proportional") is False),
    Finding("large_logits",
            "with the logits divided by 1000 your softmax is right, with logits of magnitude 1e4 it is not: exp "
            "overflows (or underflows); subtract each slice's maximum along the axis before exp",
            lambda e: e.check == "softmax_large_logits" and e.probe("moderate_logits")),
    Finding("neg_inf_weight", "entries of -inf must get weight exactly 0 (exp(-inf) = 0: keep them -inf)",
            lambda e: e.part("neg_inf") is False),
    Finding("mask_leaks",
            "the scores and the softmax are right, but positions where the mask is False still get weight: set "
            "their scores to -inf before the softmax",
            lambda e: e.part("scores") and e.part("masked") is False),
    Finding("scores_wrong",
            "each row is a softmax (it sums to 1), but of the wrong scores: S / sqrt(d) with S = E E^T and "
            "d = E.shape[-1] (no division when scale=False)",
            lambda e: e.part("rows") and e.part("scores") is False and e.part("masked") is not False),
    Finding("rows_not_normalised",
            "the rows of the weights do not sum to 1: the softmax runs over the last axis, one distribution per "
            "query position",
            lambda e: e.part("rows") is False),
    Finding("masking_wrong",
            "with a mask that allows every pair your weights are right: the masking is wrong",
            lambda e: e.check == "weights_masked" and e.probe("all_allowed_mask")),
    Finding("scaling_wrong_with_mask",
            "with scale=False your masked weights are right: the division by sqrt(d) is wrong",
            lambda e: e.check == "weights_masked" and e.probe("unscaled_masked") and not e.probe("all_allowed_mask")),
    Finding("weights_own_functions",
            "your similarity_matrix and softmax pass their checks: the mistake is in attention_weights itself "
            "(its scaling, its masking, or how it calls them)",
            lambda e: e.check.startswith("weights") and all(e.passed(c) for c in (
                "similarity_batched", "similarity_2d", "softmax_large_logits", "softmax_axis0", "softmax_neg_inf"))),
    Finding("batch_mixed",
            "your weights for one sequence depend on the other sequences of the batch (reversing the batch does "
            "not just reverse the results): a sum or a max runs over the batch axis",
            lambda e: e.probe("permuted_batch") is False),
    Finding("output_not_product",
            "the weights are right, the output is not weights @ E",
            lambda e: e.part("weights") and e.part("output_from_weights") is False),
    Finding("output_from_wrong_weights",
            "output = weights @ E holds for your own weights: the weights are wrong (see attention_weights)",
            lambda e: e.part("output_from_weights") and e.part("weights") is False),
    Finding("self_attention_masking",
            "without a mask your self_attention is right: the masking is wrong",
            lambda e: e.check == "self_attention_masked" and e.probe("unmasked")),
)
