"""Section 7: sequential versus parallel, timed with the benchmark suite's own code (benchmarks/lesson_grid.py).

numpy's attention is the exercise's self_attention that lesson.exercise_code chose (the student's once it passes
its public checks); without one, only torch's two attentions are timed.

Work, with width d, batch B and length n (a multiply-add counts 2):

    RNN             n steps of two (d, d) @ (d, B) products:      F_rnn = 4 n B d^2,  n steps one after another
    bare attention  softmax(X X^T / sqrt(d)) X, X of shape (B, n, d): F_att = 4 B n^2 d,  one big batched product

The kernel timed here is BARE attention (Q = K = V = X: the suite's implementations). A real attention layer also
computes Q, K, V = X W_Q, X W_K, X W_V and an output projection: 4 more (n B, d) @ (d, d) products,
F_proj = 8 n B d^2, so F_layer / F_rnn = 2 + n / d: a full layer does more arithmetic than the RNN at every n.

F_att / F_rnn = n / d: bare attention does less arithmetic than the RNN for n < d and more for n > d. What the RNN
loses is throughput: each of its n steps is a small product run after the previous one, so a processor with many
parallel units (a GPU) sits mostly idle, while attention's large products keep it busy. On a CPU with one thread
there is little parallelism to waste, so the arithmetic count decides: bare attention wins at short n and its
advantage shrinks as n grows, with the crossover n* = d R_att / R_rnn (R = measured FLOP/s) a small multiple of d.

The prediction is tested honestly: the throughputs R are fitted on the lengths that are NOT the two around the
measured crossover (benchmarks.crossover.prediction_throughputs: R_rnn from n <= 64, R_att from n >= 4d), so the
predicted n* does not interpolate the very timings that place the measured one. It is reported beside the
arithmetic alone (equal throughputs, n* = d), not judged: on a shared machine the timing noise around the crossover
is as large as the difference between the two.
"""

import glob
import os
import warnings

from benchmarks.crossover import prediction_throughputs, speedups
from benchmarks.lesson_grid import measured_crossover, predicted_crossover, run_small_grid
from benchmarks.load import load_rows

GPU_RESULTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "results")


def swap_families(rows):
    """The rows with "rnn" and "attention" exchanged: the negative control of the shrinking-advantage check."""
    swap = {"rnn": "attention", "attention": "rnn"}
    return [{**row, "family": swap.get(row["family"], row["family"])} for row in rows]


def advantage_shrink(rows):
    """s(n_max) / s(n_min), s = t_rnn / t_att of the fastest implementation of each family: < 1 when it shrinks."""
    s = speedups(rows)
    return s[max(s)] / s[min(s)]


def neighbours(rows, crossover):
    """The two measured lengths that bracket the crossover (none if there is no crossover)."""
    ns = sorted({row["n"] for row in rows})
    if crossover is None:
        return []
    below = [n for n in ns if n <= crossover]
    above = [n for n in ns if n > crossover]
    return below[-1:] + above[:1]


def factor(a, b):
    """How far apart two positive numbers are, as a factor >= 1 (inf when either is missing)."""
    return max(a / b, b / a) if a and b else float("inf")


def gpu_results(pattern=os.path.join(GPU_RESULTS, "*gpu*.json")):
    """Crossovers of committed GPU benchmark results, one entry per (device name, d); [] when none exist."""
    rows = [r for r in load_rows(sorted(glob.glob(pattern))) if r["device"] != "cpu" and r["family"] != "peak"]
    groups = {}
    for row in rows:
        groups.setdefault((row["device_name"], row["d"]), []).append(row)
    return [{"device_name": name, "d": d, "rows": group,
             "measured_crossover": measured_crossover(group), "predicted_crossover": predicted_crossover(group)}
            for (name, d), group in sorted(groups.items())]


def run(numpy_attention, d=64, ns=(8, 16, 32, 64, 128, 256, 512, 1024), B=32, threads=1, repeats=5):
    """The lesson grid on this CPU, and any committed GPU results.

    numpy_attention: self_attention(E) -> (O, A) to time as numpy's attention, or None.

    Returns a dict: rows (one per implementation and n), speedups {n: t_rnn / t_att} of the fastest of each
    family, the measured crossover (None when there is none in range), the lengths around it, the throughputs
    fitted without them and the crossover they predict, its factor from the measured one and that of the
    arithmetic alone (n* = d), advantage_shrink and its control on swapped families, the warnings the
    grid raised (e.g. about BLAS threads), and gpu results.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = run_small_grid(d=d, ns=ns, B=B, threads=threads, repeats=repeats, numpy_attention=numpy_attention)
    measured = measured_crossover(rows)
    excluded = neighbours(rows, measured)
    r_rnn, r_att = prediction_throughputs([row for row in rows if row["n"] not in excluded])
    predicted = d * r_att / r_rnn if r_rnn and r_att else None
    return {
        "d": d, "B": B, "threads": threads, "rows": rows,
        "speedups": {str(n): s for n, s in speedups(rows).items()},
        "measured_crossover": measured,
        "fit_excludes": excluded,
        "throughputs": {"rnn": r_rnn, "attention": r_att},
        "predicted_crossover": predicted,
        "prediction_factor": factor(predicted, measured),
        "flops_only_factor": factor(float(d), measured),  # the arithmetic alone: n* = d
        "advantage_shrink": advantage_shrink(rows),
        "control_swapped_advantage_shrink": advantage_shrink(swap_families(rows)),
        "warnings": [str(w.message) for w in caught],
        "gpu": gpu_results(),
    }
