"""Benchmarks of the sequential RNN (implementations in benchmarks/rnn_impls.py; grid in grid.py)."""

from benchmarks.measure import measure

FAMILY = "rnn"


def test_rnn(benchmark, case, bench_run):
    measure(benchmark, case, bench_run)
