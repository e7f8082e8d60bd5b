"""torch's own shape: the norm of the per-array norms, a clip coefficient clamped at 1, g[...] = g * coef; right."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm must be non-negative")
    arrays = list(grads.values())
    if len(arrays) == 0:
        return 0.0
    norm_type = float(norm_type)
    norms = [np.linalg.norm(g.reshape(-1), norm_type) for g in arrays]
    if norm_type == math.inf:
        total_norm = max(norms)
    else:
        total_norm = np.linalg.norm(np.array(norms), norm_type)
    clip_coef = max_norm / (total_norm + 1e-6)
    clip_coef_clamped = min(clip_coef, 1.0)
    for g in arrays:
        g[...] = g * clip_coef_clamped
    return float(total_norm)


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        g[g > clip_value] = clip_value
        g[g < -clip_value] = -clip_value
