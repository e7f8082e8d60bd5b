"""norm_type is accepted but ignored: the total is always the L2 norm.
"""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    # total = sqrt(sum of squares over all the arrays)
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    sq = sum(float(np.sum(g * g)) for g in grads.values())
    total = np.sqrt(sq)
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        np.multiply(g, coef, out=g)
    return float(total)


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
