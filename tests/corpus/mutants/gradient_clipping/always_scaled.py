"""the gradients are always multiplied by max_norm / (total + 1e-6), without min(1, ...), so small ones grow.
"""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm must be >= 0")
    arrays = list(grads.values())
    if not arrays:
        return 0.0
    if norm_type == float("inf"):
        total = max(float(np.abs(a).max()) for a in arrays)
    else:
        total = float(sum((np.abs(a) ** norm_type).sum() for a in arrays)) ** (1.0 / norm_type)
    scale = max_norm / (total + 1e-6)  # rescale to have norm max_norm
    for a in arrays:
        a *= scale
    return total


def clip_grad_value(grads, clip_value):
    for a in grads.values():
        np.clip(a, -clip_value, clip_value, out=a)
