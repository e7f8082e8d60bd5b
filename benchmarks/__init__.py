"""seqlab benchmark suite: "RNNs are sequential, attention is parallel", measured.

Run with pytest-benchmark (options in benchmarks/conftest.py), read with `python -m benchmarks.report`.
See docs/benchmarks.md.
"""
