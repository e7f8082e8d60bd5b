"""three at once: no 1e-6 in the coefficient, the norm returned after clipping, clip_grad_value rescales."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    p = float(norm_type)
    flat = np.concatenate([g.ravel() for g in grads.values()])
    total = float(np.abs(flat).max()) if math.isinf(p) else float(np.sum(np.abs(flat) ** p) ** (1.0 / p))
    coef = min(1.0, max_norm / total)
    for g in grads.values():
        g *= coef
    return total * coef


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        g *= min(1.0, clip_value / np.abs(g).max())
