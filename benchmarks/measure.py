"""Time one verified case with pytest-benchmark's pedantic mode and record everything needed to read it.

Order: build + first call + check (benchmarks.verified); then settling calls, untimed, until one takes no page
fault (at most MAX_SETTLING_CALLS), whose last one's time plans the rounds; then the timed rounds. The first call
carries one-off set-up costs, and with freed memory kept (benchmarks.memory) the heap of a large case still grows
over its first calls, as fragments of freed blocks are too small for the next ones: timing starts once the memory
a call uses is already mapped. Calls of single_round_above_s or longer (a full CPU attention call at n = 4096)
get no settling call: their single round follows the first call, and may include page faults.
Every timed function returns only after the device has finished (see Prepared). The page faults taken during the
timed rounds are recorded per call, so a result that paid the kernel for fresh memory says so.
"""

from benchmarks import ceiling_impls
from benchmarks.calibrate import case_budget, plan_rounds, timed_call
from benchmarks.flops import family_flops, matmul_flops
from benchmarks.machine import device_name, load_average, versions
from benchmarks.memory import page_faults
from benchmarks.threads import available_cores
from benchmarks.verified import prepare_verified

# The peak is a best-of: at least 3 rounds, so one disturbed round does not set the ceiling.
PEAK_MIN_ROUNDS = 3
# Seen here: the largest RNN cases (d = 256, n = 4096) reach a steady heap by their third call.
MAX_SETTLING_CALLS = 3


def extra_info(case, run):
    """Metadata stored with the timing in the JSON (see docs/benchmarks.md for the fields)."""
    info = {"device": case.device, "device_name": device_name(case.device),
            "implementation": case.implementation, "family": case.family,
            "threads": run["threads"]["threads"], "torch_threads": run["threads"]["torch_threads"],
            "numpy_blas_threads": run["threads"]["numpy_blas_threads"],
            "numpy_threads_control": run["threads"]["numpy_threads_control"],
            "precision": run["precision"], "allocator": run["allocator"], "mode": run["mode"],
            "dtype": "float32", "cores_available": available_cores(), "load_avg_1m": load_average()}
    if case.family == "peak":
        info.update(size=case.size, flops=matmul_flops(case.size))
    elif case.family == "ceiling":
        amount, unit = ceiling_impls.work(case.implementation, case.size)
        info.update(size=case.size, work=amount, work_unit=unit)
    else:
        info.update(n=case.n, d=case.d, B=case.B, flops=family_flops(case.family, case.n, case.d, case.B))
    info.update(versions(case.device))
    return info


def _settle(fn, first_call_s, budget):
    """Untimed calls before the rounds (see the module docstring); the seconds of the last call made."""
    call_s = first_call_s
    if first_call_s >= budget.single_round_above_s:
        return call_s
    for _ in range(MAX_SETTLING_CALLS):
        before = page_faults()
        call_s, _ = timed_call(fn)
        if before is None or page_faults() == before:
            break
    return call_s


def measure(benchmark, case, run):
    """Check, calibrate and time `case`; `run` is the session's settings (conftest.bench_run)."""
    budget = case_budget(run["mode"], case.device)
    verified = prepare_verified(case)
    fn = verified.prepared.run
    call_s = _settle(fn, verified.first_call_s, budget)
    rounds, iterations = plan_rounds(call_s, budget, PEAK_MIN_ROUNDS if case.family == "peak" else 1)

    benchmark.group = case.group
    benchmark.extra_info.update(extra_info(case, run))
    benchmark.extra_info.update(first_call_s=verified.first_call_s, calibration_call_s=call_s,
                                check_max_abs_err=verified.check_max_abs_err, check_atol=verified.check_atol)
    faults_before = page_faults()
    benchmark.pedantic(fn, rounds=rounds, iterations=iterations, warmup_rounds=0)
    if faults_before is not None:
        benchmark.extra_info["page_faults_per_call"] = (page_faults() - faults_before) / (rounds * iterations)
