"""Known mistakes in clip_grad_norm / clip_grad_value, as switches of one parameterised clipping API.

``variant(**switches)`` is the reference API with any combination of the switches flipped; ``SWITCHES`` gives,
for every mistake key of the spec, the switch values that make exactly that mistake. Two mistakes that set the
same switch (two wrong norms, two wrong coefficients) cannot be combined.
"""

import math
from types import SimpleNamespace

import numpy as np

from reference import gradient_clipping as right

EPS = right.EPS


def _total(arrays, p, norm, inf_abs=True, power_abs=True):
    """The total norm of all arrays as each wrong form computes it (p = inf: the largest entry), with or without
    the absolute values in the maximum (inf) and in the powers (finite p)."""
    if norm == "l2_always":
        p = 2.0
    if norm == "matrix":  # np.linalg.norm on a 2-D array is a matrix norm (ord=2: the largest singular value)
        norms = [float(np.linalg.norm(g, ord=p)) for g in arrays]
        return max(norms) if math.isinf(p) else float(sum(n ** p for n in norms) ** (1.0 / p))
    if norm == "sum_of_norms":
        return sum(_total([g], p, "p", inf_abs, power_abs) for g in arrays)
    if math.isinf(p):
        return float(max((np.abs(g) if inf_abs else g).max() for g in arrays))
    values = [np.abs(g) if power_abs else g for g in arrays]
    with np.errstate(invalid="ignore"):  # without abs, the sum can be negative: its root is NaN
        powered = sum(float(np.sum(v * p if norm == "times_for_power" else v ** p)) for v in values)
        total = float(powered ** (1.0 / p)) if powered >= 0 else float("nan")
    return total ** p if norm == "no_root" else total


def _coefficient(max_norm, total, clamped, eps):
    """min(1, max_norm / (total + 1e-6)), or without the min (not clamped), or without the 1e-6."""
    coef = max_norm / (total + EPS) if eps else max_norm / total
    return min(1.0, coef) if clamped else coef


def variant(*, norm="p", inf_abs=True, power_abs=True, per_array=False, clamped=True, eps=True, returned="before",
            writes="in_place", rejects_negative=True, value="clamp", value_writes="in_place"):
    """The clipping API making exactly the mistakes the switches name.

        total = the p-norm of all arrays (or a wrong form of it: `norm`); coef = min(1, max_norm / (total + 1e-6))
        (without the min, or the 1e-6; per array, from each array's own norm, when per_array); g *= coef in place,
        or written as new dict entries ("replaced"), or a scaled copy thrown away ("discarded"); returns the total
        before clipping, after it, or the coefficient. clip_grad_value clamps to [-c, c] ("clamp"), from above only ("upper"), or rescales each array.
    """

    def write(grads, name, g, new, how):
        if how == "in_place":
            g[...] = new
        elif how == "replaced":
            grads[name] = new
        # "discarded": the new array is bound to a local name and lost

    def clip_grad_norm(grads, max_norm, norm_type=2.0):
        if rejects_negative and max_norm < 0:
            raise ValueError("max_norm < 0")
        if not grads:
            return 0.0
        p = float(norm_type)
        total = _total(list(grads.values()), p, norm, inf_abs, power_abs)
        coef = _coefficient(max_norm, total, clamped, eps)
        for name, g in list(grads.items()):
            own = _coefficient(max_norm, _total([g], p, norm, inf_abs, power_abs), clamped, eps) if per_array else coef
            write(grads, name, g, g * own, writes)
        return {"before": total, "after": total * coef, "coefficient": coef}[returned]

    def clip_grad_value(grads, clip_value):
        c = float(clip_value)
        for name, g in list(grads.items()):
            if value == "upper":
                new = np.minimum(g, c)
            elif value == "rescaled":
                new = g * min(1.0, c / np.abs(g).max())
            else:
                new = np.clip(g, -c, c)
            write(grads, name, g, new, value_writes)

    return SimpleNamespace(clip_grad_norm=clip_grad_norm, clip_grad_value=clip_grad_value)


# For each mistake key of the spec (seqlab/grading/exercises/gradient_clipping/): the switches that make it.
SWITCHES = {
    "per_array_norm": {"per_array": True},
    "norm_after_clipping": {"returned": "after"},
    "returns_coefficient": {"returned": "coefficient"},
    "replaced_not_in_place": {"writes": "replaced"},
    "scaled_copy_discarded": {"writes": "discarded"},
    "no_root": {"norm": "no_root"},
    "sum_of_norms": {"norm": "sum_of_norms"},
    "matrix_norm": {"norm": "matrix"},
    "times_for_power": {"norm": "times_for_power"},
    "always_scaled": {"clamped": False},
    "norm_type_ignored": {"norm": "l2_always"},
    "no_abs": {"inf_abs": False},
    "no_abs_power": {"power_abs": False},
    "no_eps": {"eps": False},
    "no_value_error": {"rejects_negative": False},
    "value_upper_only": {"value": "upper"},
    "value_replaced": {"value_writes": "replaced"},
    "value_unchanged": {"value_writes": "discarded"},
    "value_rescaled": {"value": "rescaled"},
}
