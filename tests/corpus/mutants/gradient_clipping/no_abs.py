"""for norm_type = inf the total is the largest entry max g, not the largest magnitude max |g|.
"""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm must be >= 0")
    if not grads:
        return 0.0
    if math.isinf(norm_type):
        total = max(float(g.max()) for g in grads.values())  # the biggest gradient entry
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads.values()) ** (1.0 / norm_type)
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
