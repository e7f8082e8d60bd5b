"""The device's measured fp32 matmul ceiling, for "percent of peak" (benchmarks/matmul_impls.py)."""

from benchmarks.measure import measure

FAMILY = "peak"


def test_peak(benchmark, case, bench_run):
    measure(benchmark, case, bench_run)
