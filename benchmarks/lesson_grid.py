"""A small CPU grid for the lesson notebook: the suite's inputs, timing, checks and torch implementations, in seconds.

    rows = run_small_grid(numpy_attention=self_attention)   # d = 64, n in (16, 64, 256), B = 32, one thread
    measured_crossover(rows), predicted_crossover(rows)

It ships with the lesson in the student release, so it imports nothing that answers an exercise. The suite's numpy
attention (benchmarks/numpy_attention.py) computes exercise 4's answer; its place here is taken by the exercise's
own self_attention(E) -> (O, A), given by the caller (lesson.exercise_code chooses it: the student's once it passes
its public checks, reference/'s in the instructor's repository), or left empty (numpy_attention=None).

Rows: {"implementation", "family", "n", "d", "B", "seconds"} with seconds the median of `repeats` timed calls,
after one checked warm-up call. Every implementation is checked on its first CHECK_BATCH sequences before it is
timed, against float64 oracles that need no reference/: the numpy RNN loop (lesson.models.rnn) for the RNN,
torch's F.scaled_dot_product_attention for attention. The crossover helpers are benchmarks.crossover's, the ones
the report uses: measured = log-log interpolation of t_rnn / t_att between the bracketing n; predicted =
d R_att / R_rnn with R_rnn from n <= 64 and R_att from n >= 4d (so with d = 64 the grid needs n = 256 for a
prediction).
"""

import statistics
import warnings

import numpy as np
import torch
import torch.nn.functional as F

from benchmarks import attention_impls, rnn_impls
from benchmarks.calibrate import BUDGETS, plan_rounds, timed_call
from benchmarks.check import CHECK_BATCH, check_output
from benchmarks.crossover import measured_crossover, predicted_crossover
from benchmarks.prepared import Prepared
from benchmarks.problem import make_problem
from benchmarks.threads import thread_limit
from lesson.models.rnn import rnn_hidden_states

__all__ = ["run_small_grid", "implementations", "measured_crossover", "predicted_crossover"]

RNN_IMPLEMENTATIONS = ("numpy_loop", "torch_loop", "torch_nn_rnn")
TORCH_ATTENTION_IMPLEMENTATIONS = ("torch_attention", "torch_sdpa")


def exercise_attention(self_attention):
    """A factory (benchmarks' kind) timing self_attention(x)[0] on the problem's x (B, n, d), Q = K = V = x."""
    def factory(problem, device):
        x = problem.x  # (B, n, d) float32

        def run():
            return self_attention(x)[0]  # (B, n, d)

        return Prepared(run, lambda out, k: np.asarray(out[:k], dtype=np.float64))
    return factory


def implementations(numpy_attention=None):
    """[(family, name, factory)] in timing order: the RNN's three, then numpy attention (if given), torch's two."""
    rnn = [("rnn", name, rnn_impls.IMPLEMENTATIONS[name][1]) for name in RNN_IMPLEMENTATIONS]
    attention = [("attention", name, attention_impls.IMPLEMENTATIONS[name][1])
                 for name in TORCH_ATTENTION_IMPLEMENTATIONS]
    if numpy_attention is not None:
        attention.insert(0, ("attention", "numpy_attention", exercise_attention(numpy_attention)))
    return rnn + attention


def oracle(family, problem):
    """The float64 answer on the first CHECK_BATCH sequences: (n, d, k) for the RNN, (k, n, d) for attention."""
    k = min(CHECK_BATCH, problem.x.shape[0])
    if family == "rnn":
        f64 = np.float64
        return rnn_hidden_states(problem.xs[:, :, :k].astype(f64), problem.Wxh.astype(f64),
                                 problem.Whh.astype(f64), problem.bh.astype(f64), problem.h0[:, :k].astype(f64))
    x = torch.from_numpy(problem.x[:k].astype(np.float64))[:, None]  # (k, 1, n, d)
    return F.scaled_dot_product_attention(x, x, x)[:, 0].numpy()  # (k, n, d)


def run_small_grid(d=64, ns=(16, 64, 256), B=32, threads=1, repeats=5, numpy_attention=None):
    """Time the CPU implementations on sequences of lengths ns (width d, batch B) with `threads` threads.

    numpy_attention: None, or a self_attention(E) -> (O, A) to time as numpy's attention. Calls shorter than 1 ms
    are repeated within a timing and divided, as in the suite, so the clock's resolution does not show. Returns a
    list of row dicts (see the module docstring), RNN and attention at each n.
    """
    rows = []
    with thread_limit(threads) as info:
        if info["numpy_blas_threads"] is None:
            warnings.warn(f"numpy's BLAS threads are not limited ({info['numpy_threads_control']}); "
                          "install threadpoolctl to fix them", stacklevel=2)
        for n in ns:
            problem = make_problem(n, d, B)
            want = {family: oracle(family, problem) for family in ("rnn", "attention")}
            for family, name, factory in implementations(numpy_attention):
                prepared = factory(problem, "cpu")
                first_call_s, output = timed_call(prepared.run)  # the checked warm-up call
                check_output(family, prepared.head(output, CHECK_BATCH), want[family], f"{name} (n = {n}, d = {d})")
                _, iterations = plan_rounds(first_call_s, BUDGETS["quick"])
                seconds = [timed_call(lambda: [prepared.run() for _ in range(iterations)])[0] / iterations
                           for _ in range(repeats)]
                rows.append({"implementation": name, "family": family, "n": n, "d": d, "B": B,
                             "seconds": statistics.median(seconds)})
    return rows
