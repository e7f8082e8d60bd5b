"""the clipped gradients are stored back as new arrays in the dict; the caller's arrays are not scaled.
"""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """total = (sum_k sum_j |g_k[j]|^p)^(1/p); g_k <- min(1, max_norm / (total + 1e-6)) g_k."""
    if max_norm < 0:
        raise ValueError("negative max_norm")
    if not grads:
        return 0.0
    p = float(norm_type)
    flat = np.concatenate([g.ravel() for g in grads.values()])  # one long vector
    if np.isinf(p):
        total = np.max(np.abs(flat))
    else:
        total = np.sum(np.abs(flat) ** p) ** (1 / p)
    coef = min(1.0, max_norm / (total + 1e-6))
    for name in grads:
        grads[name] = grads[name] * coef
    return float(total)


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
