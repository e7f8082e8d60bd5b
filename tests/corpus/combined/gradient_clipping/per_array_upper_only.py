"""each array clipped by its own norm, and clip_grad_value only clamps from above."""

import math

import numpy as np


def _norm(g, p):
    return float(np.max(np.abs(g))) if math.isinf(p) else float(np.sum(np.abs(g) ** p) ** (1 / p))


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm must be non-negative")
    if not grads:
        return 0.0
    p = float(norm_type)
    norms = [_norm(g, p) for g in grads.values()]
    total = max(norms) if math.isinf(p) else sum(n ** p for n in norms) ** (1 / p)
    for g, n in zip(grads.values(), norms):
        g *= min(1.0, max_norm / (n + 1e-6))
    return float(total)


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.minimum(g, clip_value, out=g)
