"""no square root (the sum of |g|^p is returned as the norm), and the scaled arrays stored as new dict entries."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("negative max_norm")
    if not grads:
        return 0.0
    if math.isinf(norm_type):
        total = max(float(np.abs(g).max()) for g in grads.values())
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads.values())
    coef = min(1.0, max_norm / (total + 1e-6))
    for key in list(grads):
        grads[key] = grads[key] * coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
