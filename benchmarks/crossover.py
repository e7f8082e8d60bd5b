"""Where the RNN and the attention curves cross: measured from timings, and predicted from throughputs.

Rows are dicts with implementation, family ("rnn"/"attention"), n, d, B, seconds (rows of other families are
ignored); all rows given to one call must share d (and the device and threads). An implementation name may be
"best": the fastest implementation of its family at each n. Used by benchmarks.report and the lesson notebook
(via benchmarks.lesson_grid): one implementation for both.

Measured. With the speedup s(n) = t_rnn(n) / t_att(n), take each pair of consecutive measured lengths n_i < n_j
where log s changes sign; between them log s is taken as linear in log n:

    log n* = log n_i + log s_i (log n_j - log n_i) / (log s_i - log s_j)

measured_crossovers gives every such n*, measured_crossover the first. The curves can cross twice: on a GPU a
short RNN can beat attention's fixed cost, attention wins in the middle, and its n^2 work loses at long n; the
prediction below is about the last crossing, where attention's work catches up.

Predicted, without using any timing near the crossover. With throughputs R = F / t (benchmarks.flops),

    R_rnn = median of F_rnn / t_rnn over n <= RNN_THROUGHPUT_MAX_N (64): every step is the same work, so the
            RNN's throughput does not depend on n, and short sequences show it
    R_att = median of F_att / t_att over n >= ATTENTION_THROUGHPUT_MIN_N_PER_D * d (4d): attention's matmuls
            reach their steady throughput once n is well above d

and equal times 4 n B d^2 / R_rnn = 4 B n^2 d / R_att give

    n* = d R_att / R_rnn

For "best", R is the largest of the family's implementations' R. When a range holds no measurement (a grid
without short or long enough n), there is no prediction (None).
"""

import math
import statistics

from benchmarks.flops import family_flops
from benchmarks.names import BEST

RNN_THROUGHPUT_MAX_N = 64
ATTENTION_THROUGHPUT_MIN_N_PER_D = 4


def _width(rows):
    widths = {row["d"] for row in rows if row["family"] in ("rnn", "attention")}
    if len(widths) != 1:
        raise ValueError(f"rows must share one width d, got {sorted(widths)}")
    return widths.pop()


def implementations(rows, family):
    """Names of the implementations of `family` present in rows, in first-seen order."""
    return list(dict.fromkeys(row["implementation"] for row in rows if row["family"] == family))


def times(rows, family, implementation=BEST):
    """{n: seconds} of one implementation, or of the fastest one at each n for BEST."""
    out = {}
    for row in rows:
        if row["family"] == family and implementation in (BEST, row["implementation"]):
            out[row["n"]] = min(out.get(row["n"], math.inf), row["seconds"])
    return dict(sorted(out.items()))


def speedups(rows, rnn=BEST, attention=BEST):
    """{n: t_rnn / t_att} at the lengths where both were measured (> 1: attention is faster)."""
    t_rnn, t_att = times(rows, "rnn", rnn), times(rows, "attention", attention)
    return {n: t_rnn[n] / t_att[n] for n in t_rnn if n in t_att}


def measured_crossovers(rows, rnn=BEST, attention=BEST):
    """Every interpolated length n* where t_rnn = t_att, in increasing n (see the module docstring)."""
    _width(rows)
    points = sorted(speedups(rows, rnn, attention).items())
    found = []
    for (n_i, s_i), (n_j, s_j) in zip(points, points[1:]):
        if s_i == 1.0:
            found.append(float(n_i))
        elif (s_i - 1.0) * (s_j - 1.0) < 0:  # strictly on both sides of 1
            log_s_i, log_s_j = math.log(s_i), math.log(s_j)
            found.append(math.exp(math.log(n_i) + log_s_i * (math.log(n_j) - math.log(n_i)) / (log_s_i - log_s_j)))
    if points and points[-1][1] == 1.0:
        found.append(float(points[-1][0]))
    return found


def measured_crossover(rows, rnn=BEST, attention=BEST):
    """The first measured n* (measured_crossovers); None if the curves don't cross."""
    found = measured_crossovers(rows, rnn, attention)
    return found[0] if found else None


def _throughput(rows, family, implementation, keep):
    """Median over the kept n of F / t for one implementation (FLOP/s); None if no n is kept."""
    rates = [family_flops(family, row["n"], row["d"], row["B"]) / row["seconds"]
             for row in rows
             if row["family"] == family and row["implementation"] == implementation and keep(row["n"])]
    return statistics.median(rates) if rates else None


def _family_throughput(rows, family, implementation, keep):
    names = implementations(rows, family) if implementation == BEST else [implementation]
    rates = [r for r in (_throughput(rows, family, name, keep) for name in names) if r is not None]
    return max(rates) if rates else None


def prediction_throughputs(rows, rnn=BEST, attention=BEST):
    """(R_rnn, R_att) in FLOP/s from the fixed ranges n <= 64 and n >= 4d; either may be None."""
    d = _width(rows)
    r_rnn = _family_throughput(rows, "rnn", rnn, lambda n: n <= RNN_THROUGHPUT_MAX_N)
    r_att = _family_throughput(rows, "attention", attention,
                               lambda n: n >= ATTENTION_THROUGHPUT_MIN_N_PER_D * d)
    return r_rnn, r_att


def predicted_crossover(rows, rnn=BEST, attention=BEST):
    """n* = d R_att / R_rnn (see the module docstring); None when a throughput range holds no measurement."""
    r_rnn, r_att = prediction_throughputs(rows, rnn, attention)
    if r_rnn is None or r_att is None:
        return None
    return _width(rows) * r_att / r_rnn
