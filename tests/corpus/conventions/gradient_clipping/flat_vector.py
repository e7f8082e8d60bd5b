"""every gradient flattened into one long vector, np.linalg.norm on that vector; right."""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError(f"max_norm must be >= 0, got {max_norm}")
    if not grads:
        return 0.0
    flat = np.concatenate([g.ravel().astype(np.float64) for g in grads.values()])
    total = float(np.linalg.norm(flat, ord=norm_type))
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        np.multiply(g, coef, out=g, casting="unsafe")
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
