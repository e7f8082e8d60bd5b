"""Batched self-attention in numpy, O = softmax(x x^T / sqrt(d)) x, x of shape (B, n, d): the suite's numpy way.

It computes exercise 4's answer, so it never ships to students (the release test greps for it); the lesson's
section 7 times the exercise's own self_attention instead (benchmarks/lesson_grid.py).
"""

import numpy as np

from benchmarks.prepared import Prepared


def numpy_attention(problem, device):
    """numpy, batched. The softmax is done in place on the score tensor: the kit's reference.attention builds
    ~4 temporaries of shape (B, n, n), which at n = 4096 (2 GiB each in fp32) would not fit beside the others'
    work; the oracle in benchmarks.oracle still is that reference. Output (B, n, d)."""
    x = problem.x  # (B, n, d)
    scale = np.float32(1.0 / np.sqrt(x.shape[-1]))

    def run():
        s = x @ x.transpose(0, 2, 1)  # (B, n, n)
        s *= scale
        s -= s.max(axis=-1, keepdims=True)  # stable softmax: every exponent <= 0
        np.exp(s, out=s)
        s /= s.sum(axis=-1, keepdims=True)
        return s @ x  # (B, n, d)

    return Prepared(run, lambda out, k: out[:k].astype(np.float64))


# name -> (devices it runs on, factory(problem, device) -> Prepared)
IMPLEMENTATIONS = {"numpy_attention": (("cpu",), numpy_attention)}
