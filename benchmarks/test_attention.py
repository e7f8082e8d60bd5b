"""Benchmarks of batched self-attention (implementations in benchmarks/attention_impls.py; grid in grid.py)."""

from benchmarks.measure import measure

FAMILY = "attention"


def test_attention(benchmark, case, bench_run):
    measure(benchmark, case, bench_run)
