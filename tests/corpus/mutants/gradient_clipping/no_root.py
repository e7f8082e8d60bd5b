"""the total norm is the sum of |g|^p without taking the p-th root (for p=2: no square root).
"""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm must be >= 0")
    if len(grads) == 0:
        return 0.0
    if norm_type == np.inf:
        total = max(np.max(np.abs(g)) for g in grads.values())
    else:
        total = 0.0
        for g in grads.values():
            total += np.sum(np.abs(g) ** norm_type)  # sum of |g|^p over all entries
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
    return float(total)


def clip_grad_value(grads, clip_value):
    for key in grads:
        np.clip(grads[key], -clip_value, clip_value, out=grads[key])
