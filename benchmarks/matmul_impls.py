"""The device's fp32 ceiling: a square (s, s) @ (s, s) matmul, s = 4096, with the run's thread count.

A large square sgemm is the best-tuned, most cache-friendly kernel a BLAS has, so its throughput is what the
same hardware, library and threads can do at best: "percent of peak" in the report is relative to it (the best
round of the fastest implementation), a measured ceiling rather than a datasheet number.
"""

import dataclasses
import functools

import numpy as np
import torch

from benchmarks.machine import synchronize
from benchmarks.prepared import Prepared


@dataclasses.dataclass(frozen=True)
class MatmulProblem:
    a: np.ndarray  # (s, s) float32
    b: np.ndarray  # (s, s) float32


@functools.lru_cache(maxsize=1)
def make_matmul_problem(size, seed=0):
    """Random N(0, 1) float32 operands, so the product's entries have std sqrt(size)."""
    rng = np.random.default_rng([seed, size])
    return MatmulProblem(a=rng.standard_normal((size, size), dtype=np.float32),
                         b=rng.standard_normal((size, size), dtype=np.float32))


def numpy_matmul(problem, device):
    a, b = problem.a, problem.b

    def run():
        return a @ b  # (s, s)

    return Prepared(run, lambda c, k: c[:k].astype(np.float64))


def torch_matmul(problem, device):
    a = torch.from_numpy(problem.a).to(device)
    b = torch.from_numpy(problem.b).to(device)

    def run():
        c = torch.mm(a, b)  # (s, s)
        synchronize(device)
        return c

    return Prepared(run, lambda c, k: c[:k].double().cpu().numpy())


# name -> (devices it runs on, factory(problem, device) -> Prepared)
IMPLEMENTATIONS = {
    "numpy_matmul": (("cpu",), numpy_matmul),
    "torch_matmul": (("cpu", "cuda"), torch_matmul),
}
