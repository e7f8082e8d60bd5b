"""Float64 answers from the kit's trusted numpy code (reference.attention, the lesson's numpy RNN), on the first
CHECK_BATCH sequences of a benchmark's inputs.

Batch elements are independent in both models (columns of h_t, slices of x), so checking a few of them checks
the same formula on the same numbers at a small fraction of the timed work (a full float64 attention at
n = 4096 would take GiBs and longer than the benchmark itself).
"""

import functools

import numpy as np

from benchmarks.check import CHECK_BATCH
from benchmarks.matmul_impls import make_matmul_problem
from benchmarks.problem import make_problem
from lesson.models.rnn import rnn_hidden_states
from reference.attention import self_attention


@functools.lru_cache(maxsize=2)  # the implementations of one (n, d) run one after the other
def rnn_oracle(n, d, B):
    """h_t for the first CHECK_BATCH sequences, float64, (n, d, k)."""
    p = make_problem(n, d, B)
    k = min(CHECK_BATCH, B)
    f64 = np.float64
    return rnn_hidden_states(p.xs[:, :, :k].astype(f64), p.Wxh.astype(f64), p.Whh.astype(f64),
                             p.bh.astype(f64), p.h0[:, :k].astype(f64))


@functools.lru_cache(maxsize=2)
def attention_oracle(n, d, B):
    """softmax(x x^T / sqrt(d)) x for the first CHECK_BATCH sequences, float64, (k, n, d)."""
    x = make_problem(n, d, B).x[:CHECK_BATCH].astype(np.float64)  # (k, n, d)
    out, _ = self_attention(x)
    return out


@functools.lru_cache(maxsize=1)
def matmul_oracle(size):
    """The first CHECK_BATCH rows of a @ b, float64, (k, size)."""
    p = make_matmul_problem(size)
    return p.a[:CHECK_BATCH].astype(np.float64) @ p.b.astype(np.float64)
