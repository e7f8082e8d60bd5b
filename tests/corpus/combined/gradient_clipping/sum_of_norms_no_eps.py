"""the total is the sum of the per-array norms, and the coefficient has no 1e-6 (clipped only when above)."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if len(grads) == 0:
        return 0.0
    p = float(norm_type)
    norms = [np.abs(g).max() if math.isinf(p) else np.sum(np.abs(g) ** p) ** (1.0 / p) for g in grads.values()]
    total = float(sum(norms))
    if total > max_norm:
        for g in grads.values():
            g *= max_norm / total
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
