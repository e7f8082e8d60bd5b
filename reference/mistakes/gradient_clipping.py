"""Known mistakes in clip_grad_norm / clip_grad_value."""

import math
from types import SimpleNamespace

import numpy as np

from reference import gradient_clipping as right

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


# What each known mistake computes, by the key its spec gives it (seqlab/grading/exercises/gradient_clipping/).
VARIANTS = {
    "per_array_norm": _api(_per_array_norm),
    "norm_after_clipping": _api(_clip_norm(returned=lambda total, coef: total * coef)),
    "replaced_not_in_place": _api(_clip_norm(in_place=False)),
    "no_root": _api(_clip_norm(total_of=lambda a, p: _p_norm(a, p) ** p if not math.isinf(p) else _p_norm(a, p))),
    "sum_of_norms": _api(_clip_norm(total_of=lambda a, p: sum(_p_norm([g], p) for g in a))),
    "always_scaled": _api(_clip_norm(scale_of=lambda m, total: m / (total + EPS))),
    "norm_type_ignored": _api(_clip_norm(total_of=lambda a, p: _p_norm(a, 2.0))),
    "no_abs": _api(_clip_norm(total_of=lambda a, p: _p_norm(a, p, absolute=False))),
    "no_eps": _api(_clip_norm(scale_of=lambda m, total: min(1.0, m / total))),
    "no_value_error": _api(_clip_norm(check_negative=False)),
    "value_upper_only": _api(clip_grad_value=_value_upper_only),
    "value_replaced": _api(clip_grad_value=_value_replaced),
    "value_rescaled": _api(clip_grad_value=_value_rescaled),
}
