"""returns the total norm measured after the gradients were rescaled, not before.

Gradient clipping, torch.nn.utils.clip_grad_norm_ semantics.
"""

import math

import numpy as np


def total_norm(grads, norm_type):
    if math.isinf(norm_type):
        return max(float(np.abs(g).max()) for g in grads.values())
    s = 0.0
    for g in grads.values():
        s += float((np.abs(g) ** norm_type).sum())
    return s ** (1.0 / norm_type)


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError(f"max_norm={max_norm} < 0")
    if not grads:
        return 0.0
    norm = total_norm(grads, norm_type)
    clip_coef = min(1.0, max_norm / (norm + 1e-6))
    for g in grads.values():
        g *= clip_coef
    # report the norm of the gradients we actually use for the update
    return float(total_norm(grads, norm_type))


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        g[g > clip_value] = clip_value
        g[g < -clip_value] = -clip_value
