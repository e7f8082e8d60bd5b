"""g * p where |g| ** p belongs (np.sum(g * 2) for a squared norm), without absolute values either."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    p = float(norm_type)
    if math.isinf(p):
        total = max(float(np.max(np.abs(g))) for g in grads.values())
    else:
        s = sum(float(np.sum(g * p)) for g in grads.values())
        total = s ** (1.0 / p) if s >= 0 else float("nan")
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
