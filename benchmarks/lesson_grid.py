"""A small CPU grid for the lesson notebook: the same implementations, inputs and checks as the suite, in seconds.

    rows = run_small_grid()                  # d = 64, n in (16, 64, 256), B = 32, one thread
    measured_crossover(rows), predicted_crossover(rows)

Rows: {"implementation", "family", "n", "d", "B", "seconds"} with seconds the median of `repeats` timed calls,
after one checked warm-up call. The crossover helpers are benchmarks.crossover's, the ones the report uses:
measured = log-log interpolation of t_rnn / t_att between the bracketing n; predicted = d R_att / R_rnn with R_rnn
from n <= 64 and R_att from n >= 4d (so with d = 64 the grid needs n = 256 for a prediction).
"""

import statistics
import warnings

from benchmarks.calibrate import BUDGETS, plan_rounds, timed_call
from benchmarks.crossover import measured_crossover, predicted_crossover
from benchmarks.grid import Case
from benchmarks.threads import thread_limit
from benchmarks.verified import prepare_verified

__all__ = ["run_small_grid", "measured_crossover", "predicted_crossover", "LESSON_IMPLEMENTATIONS"]

LESSON_IMPLEMENTATIONS = (
    ("rnn", ("numpy_loop", "torch_loop", "torch_nn_rnn")),
    ("attention", ("numpy_attention", "torch_attention", "torch_sdpa")),
)


def run_small_grid(d=64, ns=(16, 64, 256), B=32, threads=1, repeats=5):
    """Time the CPU implementations on sequences of lengths ns (width d, batch B) with `threads` threads.

    Calls shorter than 1 ms are repeated within a timing and divided, as in the suite, so the clock's resolution
    does not show. Returns a list of row dicts (see the module docstring), RNN and attention at each n.
    """
    rows = []
    with thread_limit(threads) as info:
        if info["numpy_blas_threads"] is None:
            warnings.warn(f"numpy's BLAS threads are not limited ({info['numpy_threads_control']}); "
                          "install threadpoolctl to fix them", stacklevel=2)
        for n in ns:
            for family, names in LESSON_IMPLEMENTATIONS:
                for name in names:
                    verified = prepare_verified(Case(family, name, "cpu", n=n, d=d, B=B))
                    _, iterations = plan_rounds(verified.first_call_s, BUDGETS["quick"])
                    seconds = [timed_call(lambda: [verified.prepared.run() for _ in range(iterations)])[0]
                               / iterations for _ in range(repeats)]
                    rows.append({"implementation": name, "family": family, "n": n, "d": d, "B": B,
                                 "seconds": statistics.median(seconds)})
    return rows
