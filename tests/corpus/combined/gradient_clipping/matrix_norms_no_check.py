"""np.linalg.norm(g, ord=p) on each 2-D array (a matrix norm), and no ValueError for a negative max_norm."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if not grads:
        return 0.0
    norms = [np.linalg.norm(g, ord=norm_type) for g in grads.values()]
    if math.isinf(norm_type):
        total = float(max(norms))
    else:
        total = float(np.sum(np.array(norms) ** norm_type) ** (1.0 / norm_type))
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
