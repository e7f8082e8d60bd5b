"""Gradient clipping: bound the size of an update when backpropagation through time explodes.

Norm clipping (torch.nn.utils.clip_grad_norm_ semantics), over ALL arrays g_k together:

    total = (sum_k sum_j |g_k[j]|^p)^(1/p)        (p = inf: total = max_k max_j |g_k[j]|)
    coef  = min(1, max_norm / (total + 1e-6))
    g_k  <- coef * g_k                             (in place, every k)

Value clipping (torch.nn.utils.clip_grad_value_): g_k[j] <- clamp(g_k[j], -clip_value, clip_value), in place.
"""

import math

import numpy as np

# Added to the total norm before dividing, as torch does: no division by zero when every gradient is 0.
EPS = 1e-6


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """Rescale all gradients together, in place, so that their joint p-norm is at most max_norm.

        total = (sum_k ||g_k||_p^p)^(1/p)    (p = inf: max_k ||g_k||_inf)
        g_k  <- min(1, max_norm / (total + 1e-6)) * g_k

    Inputs:
    - grads: dict name -> array g_k of any shape, float32 or float64. The caller's arrays are scaled in
      place; the dict's entries are not replaced. Each array keeps its dtype.
    - max_norm: float >= 0, the largest allowed total norm.
    - norm_type: p, a float > 0 or float('inf').

    Returns:
    - total: Python float, the joint norm BEFORE clipping (0.0 for an empty dict).

    Raises ValueError when max_norm < 0 (or NaN) or when norm_type is not > 0.
    """
    if not max_norm >= 0:  # also rejects NaN
        raise ValueError(f"max_norm must be >= 0, got {max_norm!r}")
    p = float(norm_type)
    if not p > 0:
        raise ValueError(f"norm_type must be > 0 or inf, got {norm_type!r}")
    arrays = [g for g in grads.values() if g.size > 0]  # an empty array adds nothing to any p-norm
    if not arrays:
        return 0.0
    # The norm of the per-array norms equals the joint norm; it is how torch computes it.
    norms = [float(np.linalg.norm(g.ravel(), ord=p)) for g in arrays]
    if math.isinf(p):
        total = max(norms)
    else:
        total = math.fsum(n ** p for n in norms) ** (1.0 / p)
    # np.minimum (unlike Python's min) propagates NaN, as torch.clamp does: a NaN norm poisons the grads.
    coef = float(np.minimum(1.0, max_norm / (total + EPS)))
    for g in arrays:
        np.multiply(g, g.dtype.type(coef), out=g)  # cast coef: a float32 array stays float32
    return total


def clip_grad_value(grads, clip_value):
    """Clamp every gradient entry, in place, to [-clip_value, clip_value].

        g_k[j] <- min(max(g_k[j], -clip_value), clip_value)

    Inputs:
    - grads: dict name -> array g_k of any shape, float32 or float64; scaled in place, dtype kept.
    - clip_value: float, the bound.

    Returns None.
    """
    c = float(clip_value)  # a Python float never changes an array's dtype (NEP 50)
    for g in grads.values():
        np.clip(g, -c, c, out=g)
