"""How many rounds to time a case for, from a timed warm-up call, so a whole run stays within its budget.

pytest-benchmark's own calibration runs a function many times before measuring; for a 10 s attention call that
alone would blow a quick run. Here a case gets about `case_s` seconds of timed rounds:
    rounds = clamp(floor(case_s / (t_call * iterations)), min_rounds, max_rounds)
calls shorter than min_round_s are repeated `iterations` times per round, so that a round is long against the
clock's resolution and the timer's own overhead. At least min_rounds (3) rounds, so the reported median survives
one disturbed round; calls of single_round_above_s or longer (a full CPU attention call at n = 4096) are timed
once, so a full run stays within its minutes.

A GPU case gets its own budget: its calls take microseconds to a few hundred milliseconds, so a second of rounds
gives hundreds of samples, and the whole grid fits one call of the GPU machine (docs/benchmarks.md).
"""

import dataclasses
import math
import time


@dataclasses.dataclass(frozen=True)
class Budget:
    case_s: float         # target seconds of timed rounds per case
    max_rounds: int
    min_round_s: float    # shorter calls are repeated within a round
    min_rounds: int = 1
    single_round_above_s: float = math.inf  # calls at least this long get one round (or the caller's minimum)


BUDGETS = {
    "full": Budget(case_s=2.0, max_rounds=200, min_round_s=1e-3, min_rounds=3, single_round_above_s=10.0),
    "quick": Budget(case_s=0.4, max_rounds=50, min_round_s=1e-3, min_rounds=3, single_round_above_s=2.5),
    "tiny": Budget(case_s=0.02, max_rounds=5, min_round_s=1e-4),
}
GPU_BUDGET = Budget(case_s=1.0, max_rounds=200, min_round_s=1e-3, min_rounds=3, single_round_above_s=10.0)


def case_budget(mode, device):
    """The budget of one case: the mode's, except that GPU cases of the full and quick grids get GPU_BUDGET."""
    if device == "cuda" and mode != "tiny":
        return GPU_BUDGET
    return BUDGETS[mode]


def plan_rounds(call_s, budget, min_rounds=1):
    """(rounds, iterations) for a call that takes call_s seconds; min_rounds is a floor that always holds."""
    call_s = max(call_s, 1e-9)
    iterations = 1 if call_s >= budget.min_round_s else math.ceil(budget.min_round_s / call_s)
    rounds = math.floor(budget.case_s / (call_s * iterations))
    floor_rounds = min_rounds if call_s >= budget.single_round_above_s else max(min_rounds, budget.min_rounds)
    return max(floor_rounds, min(budget.max_rounds, rounds)), iterations


def timed_call(fn):
    """(seconds, result) of one call of fn."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result
