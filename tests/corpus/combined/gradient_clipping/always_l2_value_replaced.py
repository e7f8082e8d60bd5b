"""the L2 norm whatever norm_type says, and clip_grad_value stores clamped copies in the dict."""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    if not grads:
        return 0.0
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
    return total


def clip_grad_value(grads, clip_value):
    for name, g in grads.items():
        grads[name] = np.clip(g, -clip_value, clip_value)
