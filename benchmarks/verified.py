"""Build a case's implementation and run it once, checking its output against the float64 oracle.

That first call is the warm-up (lazy library set-up, caches, GPU allocator and cuDNN plans happen there); it is
timed too, and the rounds are planned from it (benchmarks.calibrate). Nothing is timed before it has passed.
"""

import dataclasses

from benchmarks import ceiling_impls, oracle
from benchmarks.calibrate import timed_call
from benchmarks.check import check_output, tolerance
from benchmarks.grid import FACTORIES
from benchmarks.matmul_impls import make_matmul_problem
from benchmarks.prepared import Prepared
from benchmarks.problem import make_problem


@dataclasses.dataclass(frozen=True)
class Verified:
    prepared: Prepared
    first_call_s: float  # the warm-up call, lazy initialisation included
    check_max_abs_err: float
    check_atol: float


def prepare_verified(case):
    """Prepared implementation of `case` (a benchmarks.grid.Case) whose output matched the oracle."""
    if case.family == "peak":
        problem, want = make_matmul_problem(case.size), oracle.matmul_oracle(case.size)
    elif case.family == "ceiling":
        problem, want = case.size, ceiling_impls.reference(case.implementation, case.size)
    else:
        problem = make_problem(case.n, case.d, case.B)
        oracle_fn = oracle.rnn_oracle if case.family == "rnn" else oracle.attention_oracle
        want = oracle_fn(case.n, case.d, case.B)
    _, factory = FACTORIES[case.family][case.implementation]
    prepared = factory(problem, case.device)
    first_call_s, output = timed_call(prepared.run)
    got = prepared.head(output, oracle.CHECK_BATCH)
    atol = tolerance(case.family, case.implementation)
    err = check_output(case.family, got, want, f"{case.implementation} ({case.id})", atol)
    return Verified(prepared, first_call_s, err, atol)
