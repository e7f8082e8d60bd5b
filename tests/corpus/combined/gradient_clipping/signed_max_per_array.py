"""max g (not max |g|) for the inf norm, and each array scaled by its own norm."""

import math

import numpy as np


def _norm(g, p):
    if math.isinf(p):
        return float(g.max())
    return float(np.sum(np.abs(g) ** p) ** (1.0 / p))


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    p = float(norm_type)
    if math.isinf(p):
        total = max(_norm(g, p) for g in grads.values())
    else:
        total = sum(_norm(g, p) ** p for g in grads.values()) ** (1.0 / p)
    for g in grads.values():
        g *= min(1.0, max_norm / (_norm(g, p) + 1e-6))
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
