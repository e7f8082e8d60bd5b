"""sum g^p without absolute values (odd p goes wrong), and the coefficient never clamped at 1."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    p = float(norm_type)
    if math.isinf(p):
        total = max(float(np.abs(g).max()) for g in grads.values())
    else:
        s = sum(float(np.sum(g ** p)) for g in grads.values())
        total = s ** (1.0 / p) if s >= 0 else float("nan")
    for g in grads.values():
        g *= max_norm / (total + 1e-6)
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
