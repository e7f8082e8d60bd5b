"""each gradient array is rescaled by its own norm instead of one coefficient from the global norm.

Exercise 1: gradient clipping.
"""

import numpy as np


def _norm(g, p):
    """||g||_p of one array (p = inf: the largest |g|)."""
    if p == float("inf"):
        return float(np.max(np.abs(g)))
    return float(np.sum(np.abs(g) ** p) ** (1.0 / p))


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """Clip the gradients so that their norm is at most max_norm (in place); return the total norm."""
    if max_norm < 0:
        raise ValueError("max_norm must be non-negative")
    if len(grads) == 0:
        return 0.0
    norms = []
    for g in grads.values():
        n = _norm(g, norm_type)
        g *= min(1.0, max_norm / (n + 1e-6))  # each parameter gets its own clipping factor
        norms.append(n)
    # the total norm is the norm of the per-array norms
    if norm_type == float("inf"):
        return float(max(norms))
    return float(sum(n ** norm_type for n in norms) ** (1.0 / norm_type))


def clip_grad_value(grads, clip_value):
    """Clamp every entry to [-clip_value, clip_value] in place."""
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
