"""How wrong clipping is localised and explained: its parts, probes and findings (see seqlab.grading.spec).

    total = (sum_k sum_j |g_k[j]|^p)^(1/p)   coef = min(1, max_norm / (total + 1e-6))   g_k *= coef, in place
    clip_grad_value: g_k[j] <- clamp(g_k[j], -c, c), in place

The scaling coefficient of each array is recovered from the caller's arrays: c_k = <after_k, before_k> / |before_k|^2.
"""

import numpy as np

from seqlab.grading.spec import Finding, Part, Probe


def _names(case):
    return [key.split(":", 1)[1] for key in case.arrays if key.startswith("grad:")]


def _before_after(case, outcome, source="grads"):
    return [(case.arrays[f"grad:{name}"].astype(np.float64), outcome.arrays[f"{source}['{name}']"])
            for name in _names(case)]


def _norm_call(of):
    """A part of clip_grad_norm's checks (they return the total norm) that have gradients."""
    return lambda case, outcome: of(case, outcome) if "total_norm" in outcome.floats and _names(case) else None


def _value_call(of):
    return lambda case, outcome: of(case, outcome) if "clip_value" in case.args else None


def _coefficients(case, outcome):
    return np.array([np.vdot(after, before) / np.vdot(before, before) for before, after in _before_after(case, outcome)])


def _scaling_residual(case, outcome):
    """0 everywhere when every array is a multiple of what it was (whatever the multiples)."""
    pairs = _before_after(case, outcome)
    return np.concatenate([(after - k * before).ravel() for k, (before, after) in zip(_coefficients(case, outcome), pairs)])


def _coefficient_spread(case, outcome):
    """0 everywhere when every array was scaled by the same number (right or wrong)."""
    c = _coefficients(case, outcome)
    return c - c[0]


def _changed(case, outcome):
    return float(any(not np.array_equal(after, before) for before, after in _before_after(case, outcome)))


def _entries(where):
    """The caller's entries after clip_grad_value, where the original entry was above c, below -c, or inside."""
    def of(case, outcome):
        c = case.args["clip_value"]
        picked = [after[where(before, c)] for before, after in _before_after(case, outcome)]
        return np.concatenate(picked)
    return of


def _dict_entries(case, outcome):
    return np.concatenate([outcome.arrays[f"observed:dict['{name}']"].ravel() for name in _names(case)])


def _in_place(case, outcome):
    return outcome.floats["observed:in_place"] if _names(case) else None


PARTS = (
    Part("total_norm", "the returned norm", lambda c, o: o.floats["total_norm"] if "total_norm" in o.floats else None),
    Part("scaling", "the caller's arrays", _norm_call(lambda c, o: np.concatenate(
        [after.ravel() for _, after in _before_after(c, o)]))),
    Part("coefficient", "the coefficient each array was scaled by", _norm_call(_coefficients), derived=True),
    Part("multiples", "each array a multiple of what it was", _norm_call(_scaling_residual), derived=True),
    Part("one_coefficient", "one coefficient for every array", _norm_call(_coefficient_spread), derived=True),
    Part("changed", "whether the caller's arrays changed at all", lambda c, o: _changed(c, o) if _names(c) and (
        "total_norm" in o.floats or "clip_value" in c.args) else None, derived=True),
    Part("in_place", "the dict's entries still being the caller's arrays", _in_place, derived=True),
    Part("dict_entries", "the dict's entries after the call", lambda c, o: _dict_entries(c, o) if _names(c) else None),
    Part("above", "the entries above clip_value", _value_call(_entries(lambda g, c: g > c))),
    Part("below", "the entries below -clip_value", _value_call(_entries(lambda g, c: g < -c))),
    Part("inside", "the entries inside [-clip_value, clip_value]", _value_call(_entries(lambda g, c: np.abs(g) <= c))),
)


def _max_norm(value):
    def vary(arrays, args):
        return arrays, args | {"max_norm": value}
    return vary


def _l2(arrays, args):
    return arrays, args | {"norm_type": 2.0}


def _largest_array_alone(arrays, args):
    name = max(arrays, key=lambda key: arrays[key].size)
    return {name: arrays[name]}, args


def _nothing_to_clip(arrays, args):
    return arrays, args | {"clip_value": 100.0}


PROBES = (
    Probe("below_max_norm", "norm_l2_clips", "max_norm = 1000 (nothing to clip)", _max_norm(1000.0)),
    Probe("norm_type_2", "norm_inf", "the same gradients with norm_type=2", _l2),
    Probe("one_array", "norm_l2_clips", "the largest array alone", _largest_array_alone),
    Probe("nothing_to_clamp", "value_clamps", "clip_value = 100 (nothing to clamp)", _nothing_to_clip),
)


FINDINGS = (
    Finding("dict_entries_replaced",
            "the dict's entries were replaced by new arrays, so the caller's own arrays were never changed: change "
            "them in place (an augmented assignment, or a numpy ufunc that writes into an existing array)",
            lambda e: e.part("in_place") is False),
    Finding("scaled_copy_lost",
            "the caller's arrays were not changed at all, and the dict still holds them: was the result bound to a "
            "new name (g = g * coef) and lost? Change each array in place: g *= coef",
            lambda e: e.part("changed") is False and e.part("in_place") and e.check != "norm_l2_below_max"),
    Finding("changed_below_max",
            "the total norm is below max_norm, yet the arrays were changed: the coefficient is min(1, max_norm / "
            "(total + 1e-6)), which is 1 here",
            lambda e: e.part("changed") is False and e.check == "norm_l2_below_max"),
    Finding("not_multiples",
            "the caller's arrays are not multiples of what they were: clipping by the norm multiplies each whole "
            "array by one number (no entry is clamped or changed on its own)",
            lambda e: e.part("multiples") is False),
    Finding("per_array_coefficients",
            "the arrays were scaled by different coefficients: one coefficient, from the norm of all arrays "
            "together, scales every array",
            lambda e: e.part("multiples") and e.part("one_coefficient") is False),
    Finding("wrong_coefficient",
            "every array was scaled by the same coefficient, the wrong one: coef = min(1, max_norm / (total + "
            "1e-6)), with total the norm before clipping",
            lambda e: e.part("multiples") and e.part("one_coefficient") and e.part("coefficient") is False
            and e.part("changed")),
    Finding("norm_only_wrong",
            "the arrays are scaled right; the returned norm is not: return the total norm computed BEFORE scaling",
            lambda e: e.part("scaling") and e.part("total_norm") is False),
    Finding("scaling_only_wrong",
            "the returned norm is right; the scaling of the arrays is not",
            lambda e: e.part("total_norm") and e.part("scaling") is False),
    Finding("clipping_itself",
            "with max_norm above the norm (nothing to clip) your function is right: what goes wrong is the "
            "clipping itself",
            lambda e: e.check == "norm_l2_clips" and e.probe("below_max_norm")),
    Finding("inf_norm",
            "with norm_type=2 on the same gradients your function is right, with norm_type=inf it is not: for inf "
            "the norm is the largest |g| over all arrays (no power, no root)",
            lambda e: e.check == "norm_inf" and e.probe("norm_type_2")),
    Finding("several_arrays",
            "with one array your function is right, with several it is not: the norm covers all arrays together, "
            "(sum over all arrays of sum |g|^p)^(1/p)",
            lambda e: e.check == "norm_l2_clips" and e.probe("one_array")),
    Finding("lower_bound",
            "entries above clip_value are clamped, those below -clip_value are not: clamp to [-clip_value, "
            "clip_value]",
            lambda e: e.part("above") and e.part("below") is False),
    Finding("inside_changed",
            "entries inside [-clip_value, clip_value] were changed: only the entries outside are clamped, each to "
            "the nearest bound",
            lambda e: e.part("inside") is False),
)
