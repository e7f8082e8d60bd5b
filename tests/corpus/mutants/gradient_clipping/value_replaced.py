"""clip_grad_value uses np.clip without out=, so it builds new arrays and the caller's gradients stay unclamped.
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
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
    return total


def clip_grad_value(grads, clip_value):
    clipped = {name: np.clip(g, -clip_value, clip_value) for name, g in grads.items()}
    grads.update(clipped)
    return clipped
