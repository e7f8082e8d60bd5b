"""Time one verified case with pytest-benchmark's pedantic mode and record everything needed to read it.

Order: build + first call + check (benchmarks.verified); on a GPU, or when the first call was short, a second
call whose time plans the rounds (the first call carries one-off set-up costs); then the timed rounds.
Every timed function returns only after the device has finished (see Prepared). The page faults taken during the
timed rounds are recorded per call: with freed memory kept (benchmarks.memory) they are ~0, and a result where
they are not paid the kernel for fresh memory on top of its work.
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


def measure(benchmark, case, run):
    """Check, calibrate and time `case`; `run` is the session's settings (conftest.bench_run)."""
    budget = case_budget(run["mode"], case.device)
    verified = prepare_verified(case)
    fn = verified.prepared.run
    call_s = verified.first_call_s
    if call_s < budget.second_warmup_below_s:
        call_s, _ = timed_call(fn)
    rounds, iterations = plan_rounds(call_s, budget, PEAK_MIN_ROUNDS if case.family == "peak" else 1)

    benchmark.group = case.group
    benchmark.extra_info.update(extra_info(case, run))
    benchmark.extra_info.update(first_call_s=verified.first_call_s, calibration_call_s=call_s,
                                check_max_abs_err=verified.check_max_abs_err, check_atol=verified.check_atol)
    faults_before = page_faults()
    benchmark.pedantic(fn, rounds=rounds, iterations=iterations, warmup_rounds=0)
    if faults_before is not None:
        benchmark.extra_info["page_faults_per_call"] = (page_faults() - faults_before) / (rounds * iterations)
