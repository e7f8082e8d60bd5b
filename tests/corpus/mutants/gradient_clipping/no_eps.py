"""the clipping coefficient is max_norm / total, without the + 1e-6 in the denominator.
"""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm must be >= 0")
    if not grads:
        return 0.0
    if norm_type == float("inf"):
        total = max(float(np.max(np.abs(g))) for g in grads.values())
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads.values()) ** (1.0 / norm_type)
    if total > max_norm:
        coef = max_norm / total
        for g in grads.values():
            g *= coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
