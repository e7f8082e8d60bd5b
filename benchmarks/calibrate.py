"""How many rounds to time a case for, from a timed warm-up call, so a whole run stays within its budget.

pytest-benchmark's own calibration runs a function many times before measuring; for a 10 s attention call that
alone would blow a quick run. Here a case gets about `case_s` seconds of timed rounds:
    rounds = clamp(floor(case_s / (t_call * iterations)), min_rounds, max_rounds)
so a call longer than case_s is timed once ("a single round for the slowest cases"), and calls shorter than
min_round_s are repeated `iterations` times per round, so that a round is long against the clock's resolution
and the timer's own overhead.
"""

import dataclasses
import math
import time


@dataclasses.dataclass(frozen=True)
class Budget:
    case_s: float         # target seconds of timed rounds per case
    max_rounds: int
    min_round_s: float    # shorter calls are repeated within a round
    second_warmup_below_s: float  # a second (calibration) call is made only when the first was shorter


BUDGETS = {
    "full": Budget(case_s=2.0, max_rounds=200, min_round_s=1e-3, second_warmup_below_s=1.0),
    "quick": Budget(case_s=0.4, max_rounds=50, min_round_s=1e-3, second_warmup_below_s=0.5),
    "tiny": Budget(case_s=0.02, max_rounds=5, min_round_s=1e-4, second_warmup_below_s=0.1),
}


def plan_rounds(call_s, budget, min_rounds=1):
    """(rounds, iterations) for a call that takes call_s seconds."""
    call_s = max(call_s, 1e-9)
    iterations = 1 if call_s >= budget.min_round_s else math.ceil(budget.min_round_s / call_s)
    rounds = math.floor(budget.case_s / (call_s * iterations))
    return max(min_rounds, min(budget.max_rounds, rounds)), iterations


def timed_call(fn):
    """(seconds, result) of one call of fn."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result
