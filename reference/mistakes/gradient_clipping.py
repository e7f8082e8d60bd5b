"""Known mistakes in clip_grad_norm / clip_grad_value."""

import math
from types import SimpleNamespace

import numpy as np

from reference import gradient_clipping as right
from reference.mistakes import Mistake

EPS = right.EPS


def _p_norm(arrays, p, absolute=True):
    values = [np.abs(g) if absolute else g for g in arrays]
    if math.isinf(p):
        return float(max(v.max() for v in values))
    with np.errstate(invalid="ignore"):  # without abs, the sum can be negative: its root is NaN
        return float(sum(np.sum(v ** p) for v in values) ** (1.0 / p))


def _clip_norm(total_of=None, scale_of=None, returned=None, in_place=True, check_negative=True):
    """A clip_grad_norm with one step swapped for a wrong one."""
    def clip_grad_norm(grads, max_norm, norm_type=2.0):
        if check_negative and max_norm < 0:
            raise ValueError("max_norm < 0")
        arrays = list(grads.values())
        if not arrays:
            return 0.0
        p = float(norm_type)
        total = total_of(arrays, p) if total_of else _p_norm(arrays, p)
        coef = scale_of(max_norm, total) if scale_of else min(1.0, max_norm / (total + EPS))
        for name, g in grads.items():
            if in_place:
                g *= coef
            else:
                grads[name] = g * coef
        return returned(total, coef) if returned else total
    return clip_grad_norm


def _per_array_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    total = _p_norm(list(grads.values()), float(norm_type))  # the returned total is usually still global
    for g in grads.values():
        own = _p_norm([g], float(norm_type))
        g *= min(1.0, max_norm / (own + EPS))
    return total


def _api(clip_grad_norm=right.clip_grad_norm, clip_grad_value=right.clip_grad_value):
    return SimpleNamespace(clip_grad_norm=clip_grad_norm, clip_grad_value=clip_grad_value)


def _value_upper_only(grads, clip_value):
    for g in grads.values():
        np.minimum(g, clip_value, out=g)


def _value_replaced(grads, clip_value):
    for name, g in list(grads.items()):
        grads[name] = np.clip(g, -clip_value, clip_value)


def _value_rescaled(grads, clip_value):
    for g in grads.values():
        g *= min(1.0, clip_value / np.abs(g).max())


MISTAKES = [
    Mistake("per_array_norm", "each array was clipped by its own norm; the norm is global: total = "
            "(sum over ALL arrays of sum |g|^p)^(1/p), one coefficient for every array", _api(_per_array_norm)),
    Mistake("norm_after_clipping", "the returned norm is the norm AFTER clipping; return the total norm "
            "computed before scaling", _api(_clip_norm(returned=lambda total, coef: total * coef))),
    Mistake("replaced_not_in_place", "the caller's arrays were not scaled (were the dict entries replaced by "
            "new arrays, grads[k] = g * coef?); scale in place: g *= coef or np.multiply(g, coef, out=g)",
            _api(_clip_norm(in_place=False))),
    Mistake("no_root", "the total norm is missing the 1/p root: for p=2 that is the sum of squares, not "
            "its square root", _api(_clip_norm(total_of=lambda a, p: _p_norm(a, p) ** p if not math.isinf(p) else _p_norm(a, p)))),
    Mistake("sum_of_norms", "the total is the sum of the per-array norms; it must be the p-norm of all "
            "entries together: (sum_k ||g_k||^p)^(1/p)", _api(_clip_norm(total_of=lambda a, p: sum(_p_norm([g], p) for g in a)))),
    Mistake("always_scaled", "gradients were scaled by max_norm / total even when total < max_norm (which "
            "scales them UP); the coefficient is min(1, max_norm / (total + 1e-6))",
            _api(_clip_norm(scale_of=lambda m, total: m / (total + EPS)))),
    Mistake("norm_type_ignored", "norm_type was ignored (always the L2 norm); use the p-norm for norm_type=p "
            "and the largest |g| for norm_type=inf", _api(_clip_norm(total_of=lambda a, p: _p_norm(a, 2.0)))),
    Mistake("no_abs", "the p-norm was taken without absolute values (sum g^p, or max g for inf); use |g|",
            _api(_clip_norm(total_of=lambda a, p: _p_norm(a, p, absolute=False)))),
    Mistake("no_eps", "the coefficient is max_norm / total; the contract (and torch) use max_norm / "
            "(total + 1e-6)", _api(_clip_norm(scale_of=lambda m, total: min(1.0, m / total)))),
    Mistake("no_value_error", "max_norm < 0 must raise ValueError (a negative threshold is meaningless)",
            _api(_clip_norm(check_negative=False))),
    Mistake("value_upper_only", "clip_grad_value only clamped from above; clamp to [-clip_value, clip_value]",
            _api(clip_grad_value=_value_upper_only)),
    Mistake("value_replaced", "clip_grad_value replaced the dict entries instead of clamping the caller's "
            "arrays in place (use np.clip(g, -c, c, out=g))", _api(clip_grad_value=_value_replaced)),
    Mistake("value_rescaled", "clip_grad_value rescaled each array instead of clamping each entry",
            _api(clip_grad_value=_value_rescaled)),
]
