"""flat-vector code with a mistake of its own: the coefficient is squared (scaled twice); the norm is right."""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    flat = np.concatenate([g.ravel() for g in grads.values()]).astype(np.float64)
    total = float(np.linalg.norm(flat, ord=norm_type))
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
        g *= coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
