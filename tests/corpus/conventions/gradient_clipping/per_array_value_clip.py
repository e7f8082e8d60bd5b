"""a mistake of its own: clip_grad_norm clamps each entry to max_norm (value clipping) instead of scaling by the
norm; the norm it returns is right."""

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
    for g in grads.values():
        np.clip(g, -max_norm, max_norm, out=g)
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
