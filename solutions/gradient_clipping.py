"""Exercise 1: gradient clipping.

Why is clipping needed? Backpropagation through time sends the gradient back through one Jacobian per time step,
in order (the last step's Jacobian on the left):

    dL/dh_0 = (J_T J_{T-1} ... J_1)^T dL/dh_T,          J_t = dh_t/dh_{t-1} = diag(1 - h_t^2) Whh

While tanh is near-linear the product is the T-th matrix power of Whh, whose norm grows like rho^T, rho being the
spectral radius of Whh (its largest |eigenvalue|); saturated units shrink each step's factor to about
rho * (a typical tanh'). When that factor is above 1 the gradient grows geometrically with T (exploding
gradients), and during training an update can also land the weights near a cliff of the loss, where one gradient
is huge. A single SGD step of size lr * ||g|| then throws the weights far from everything learnt so far, or
overflows to inf/NaN. Clipping puts a ceiling on the step without changing how training behaves when gradients are
normal (section 4 of the lesson measures both).

Two standard ways, both with PyTorch's semantics (torch.nn.utils.clip_grad_norm_ / clip_grad_value_):

- norm clipping rescales ALL gradients by the same factor, so the update keeps its direction and only gets
  shorter;
- value clipping clamps every entry separately, which is simpler but can change the update's direction.

Both work IN PLACE: they change the caller's arrays (the values of the dict), as the training loop expects.
"""

import numpy as np


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """Rescale all gradients together, in place, so that their joint p-norm is at most max_norm.

    The norm is taken over ALL arrays at once, as if they were one long vector (p = norm_type):

        total = (sum_k sum_j |g_k[j]|^p)^(1/p)          for a finite p > 0
        total = max_k max_j |g_k[j]|                      for p = inf
        coef  = min(1, max_norm / (total + 1e-6))
        g_k  <- coef * g_k                                for every array g_k

    The 1e-6 avoids a division by zero when every gradient is 0; coef = 1 (nothing changes) whenever
    total <= max_norm (up to that 1e-6).

    Inputs:
    - grads: dict mapping a name to a gradient array g_k (any shape), float32 or float64. Every array is
      multiplied in place and keeps its dtype; the dict's entries are not replaced by new arrays.
    - max_norm: float >= 0, the largest total norm allowed.
    - norm_type: float p > 0, or float('inf'); default 2.0.

    Returns:
    - total: Python float, the total norm BEFORE clipping; 0.0 for an empty dict.

    Raises:
    - ValueError if max_norm < 0.

    Hint: the norm belongs to all the arrays together, so it must be known before any of them changes; and the
    caller keeps references to its arrays, so "changing a gradient" has to mean changing the array it holds, not
    rebinding a name to a new one.
    """
    ### BEGIN SOLUTION
    if max_norm < 0:
        raise ValueError(f"max_norm must be >= 0, got {max_norm}")
    if not grads:
        return 0.0
    if norm_type == float("inf"):
        # initial=0.0 lets an empty array count as 0 instead of raising.
        total = max(float(np.max(np.abs(g), initial=0.0)) for g in grads.values())
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads.values()) ** (1.0 / norm_type)
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef  # in place: the caller's array changes
    return total
    ### END SOLUTION


def clip_grad_value(grads, clip_value):
    """Clamp every gradient entry, in place, to the interval [-clip_value, clip_value].

        g_k[j] <- min(max(g_k[j], -clip_value), clip_value)      for every array g_k and entry j

    Inputs:
    - grads: dict mapping a name to a gradient array g_k (any shape), float32 or float64. Every array is
      clamped in place and keeps its dtype.
    - clip_value: float, the bound.

    Returns:
    - None.

    Hint: as for clip_grad_norm, the caller's own arrays must end up clamped: look for a way to let a clamping
    function write its result where its input came from.
    """
    ### BEGIN SOLUTION
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
    ### END SOLUTION
