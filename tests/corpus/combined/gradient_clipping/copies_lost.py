"""both functions compute the right arrays but bind them to a local name: nothing reaches the caller."""

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
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g = g * coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        g = np.clip(g, -clip_value, clip_value)
