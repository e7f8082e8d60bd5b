"""Activation functions shared by the reference cells.

    sigmoid(x) = 1 / (1 + exp(-x))

The textbook formula overflows in exp(-x) for large negative x (exp(1000) = inf, with a warning).
With e = exp(-|x|), which lies in (0, 1] and never overflows, the two algebraically equal forms

    sigmoid(x) = 1 / (1 + e)   for x >= 0
    sigmoid(x) = e / (1 + e)   for x <  0

are both exact and finite for every finite x.
"""

import numpy as np


def sigmoid(x):
    """Numerically stable logistic sigmoid, elementwise.

    Inputs:
    - x: array of any shape, float32 or float64.

    Returns:
    - s: array of x's shape and floating dtype, s = 1 / (1 + exp(-x)), with values in [0, 1].
    """
    x = np.asarray(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: cannot overflow
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
