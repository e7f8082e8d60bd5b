"""the total norm is the sum of the per-array norms instead of the p-norm of all entries together.
"""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm must be >= 0")
    if not grads:
        return 0.0
    total = 0.0
    for g in grads.values():
        total += float(np.linalg.norm(g.ravel(), ord=norm_type))  # add up each parameter's norm
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
