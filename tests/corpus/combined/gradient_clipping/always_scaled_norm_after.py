"""the arrays are always rescaled to max_norm (even upwards), and the norm returned is the one after clipping."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    p = float(norm_type)
    if math.isinf(p):
        total = max(float(np.abs(g).max()) for g in grads.values())
    else:
        total = sum(float(np.sum(np.abs(g) ** p)) for g in grads.values()) ** (1.0 / p)
    coef = max_norm / (total + 1e-6)
    for g in grads.values():
        g *= coef
    return total * coef


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
