"""How time grows with sequence length: the slope k of log t = k log n + c, and the time per step t / n.

A sequential RNN does the same work every step, so k -> 1 and t / n is constant; attention's score matrix gives
k -> 2 once its O(n^2 d) matmuls dominate fixed costs. Two ranges of n, sharing n = 256:

    long,  n >= EXPONENT_MIN_N:  the asymptotic exponents above (shorter sequences are overhead-bound)
    short, n <= SHORT_MAX_N:     where a device with many parallel units is not yet full; attention's k is near 0
                                 there while the RNN's stays 1, its steps waiting for each other

The per-step spread max_n (t/n) / min_n (t/n) - 1 over the long range says whether an RNN's time per step was the
constant its work is; above PER_STEP_SPREAD_LIMIT (20 %) something besides the work grew with n (load, page
faults, caches: docs/benchmarks.md, "The per-step anomaly").
"""

import numpy as np

EXPONENT_MIN_N = 256
SHORT_MAX_N = 256
PER_STEP_SPREAD_LIMIT = 0.20


def scaling_exponent(times, min_n=EXPONENT_MIN_N, max_n=None):
    """Slope of log t against log n over the points {n: t} with min_n <= n (<= max_n); None with < 2 points."""
    points = sorted((n, t) for n, t in times.items() if n >= min_n and (max_n is None or n <= max_n))
    if len(points) < 2:
        return None
    log_n = np.log([n for n, _ in points])
    log_t = np.log([t for _, t in points])
    slope, _ = np.polyfit(log_n, log_t, 1)
    return float(slope)


def short_exponent(times):
    """scaling_exponent over the short range n <= SHORT_MAX_N."""
    return scaling_exponent(times, min_n=0, max_n=SHORT_MAX_N)


def per_step(times):
    """{n: t / n}: seconds per step of an RNN's {n: t}."""
    return {n: t / n for n, t in sorted(times.items())}


def per_step_spread(times, min_n=EXPONENT_MIN_N):
    """max / min - 1 of the time per step over n >= min_n; None with fewer than 2 such lengths."""
    steps = [s for n, s in per_step(times).items() if n >= min_n]
    if len(steps) < 2:
        return None
    return max(steps) / min(steps) - 1.0
