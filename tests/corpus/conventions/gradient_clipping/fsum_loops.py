"""plain Python loops with math.fsum, the inf norm as its own branch, and np.minimum/np.maximum in place; right."""

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
        total = math.fsum(float(np.sum(np.abs(g) ** p)) for g in grads.values()) ** (1.0 / p)
    if total + 1e-6 > max_norm:
        scale = max_norm / (total + 1e-6)
        for g in grads.values():
            g *= scale
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.minimum(g, clip_value, out=g)
        np.maximum(g, -clip_value, out=g)
