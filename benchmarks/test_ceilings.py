"""The device's ceilings besides the fp32 peak: copy bandwidth, TF32 matmul, op-launch cost (ceiling_impls.py)."""

from benchmarks.measure import measure

FAMILY = "ceiling"


def test_ceiling(benchmark, case, bench_run):
    measure(benchmark, case, bench_run)
