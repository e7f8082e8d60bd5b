"""How time grows with sequence length: the slope k of log t = k log n + c, fitted by least squares.

A sequential RNN does the same work every step, so k -> 1; attention's score matrix gives k -> 2 once its
O(n^2 d) matmuls dominate fixed costs. Short sequences are overhead-bound (k < 1 there), so the fit uses only
n >= EXPONENT_MIN_N.
"""

import numpy as np

EXPONENT_MIN_N = 256


def scaling_exponent(times, min_n=EXPONENT_MIN_N):
    """Slope of log t against log n over the points {n: t} with n >= min_n; None with fewer than 2 points."""
    points = sorted((n, t) for n, t in times.items() if n >= min_n)
    if len(points) < 2:
        return None
    log_n = np.log([n for n, _ in points])
    log_t = np.log([t for _, t in points])
    slope, _ = np.polyfit(log_n, log_t, 1)
    return float(slope)
