"""The device's other ceilings, measured in the same run as the suite: memory bandwidth, TF32 rate, op cost.

- torch_copy: dst.copy_(src) of `size` MiB of fp32, far above the last-level cache (sizes in benchmarks.grid).
  Bytes moved = 2 size (each byte read once and written once): the ceiling of memory-bound work, such as a
  softmax over attention's (B, n, n) scores.
- torch_matmul_tf32: the peak matmul of benchmarks/matmul_impls.py with TF32 allowed for that call only
  (benchmarks.precision.tf32_matmuls): fp32 operands rounded to 10-bit mantissas on the tensor cores. The suite
  itself stays in IEEE fp32; this rate says what it gives up by doing so, and its check error (~0.02 where fp32
  gives ~1e-4) shows whether TF32 took effect.
- launch_eager: `size` in-place additions x += 1 on a one-element tensor, issued from Python one after the
  other, then one synchronize. Time / size is what one tiny op costs eagerly (Python, torch's dispatcher and, on a
  GPU, the kernel launch): the floor under each of the torch ops in one step of an eager RNN loop.
- launch_graph (GPU only): the same additions captured once as a CUDA graph and replayed. Time / size is the
  cost of one tiny kernel that waits for the one before it, with no CPU work per kernel: the floor under each
  kernel of the CUDA-graph RNN.

Each factory takes the case's size and device and returns a Prepared whose head(output, k) is the quantity its
check compares with reference(implementation, size): exact for the copy and the additions, TF32's tolerance for
the matmul (benchmarks/check.py).
"""

import functools

import numpy as np
import torch

from benchmarks.flops import matmul_flops
from benchmarks.machine import synchronize
from benchmarks.matmul_impls import make_matmul_problem
from benchmarks.oracle import matmul_oracle
from benchmarks.precision import tf32_matmuls
from benchmarks.prepared import Prepared

MIB = 2 ** 20
FP32_BYTES = 4


def torch_copy(size, device):
    """size MiB of N(0, 1) fp32 copied into a buffer allocated (and touched by the warm-up) beforehand."""
    generator = torch.Generator(device=device).manual_seed(0)
    src = torch.randn(size * MIB // FP32_BYTES, generator=generator, device=device)
    dst = torch.empty_like(src)

    def run():
        dst.copy_(src)
        synchronize(device)
        return dst

    return Prepared(run, lambda out, k: np.array([float(torch.equal(out, src))]))


def torch_matmul_tf32(size, device):
    p = make_matmul_problem(size)
    a = torch.from_numpy(p.a).to(device)
    b = torch.from_numpy(p.b).to(device)

    def run():
        with tf32_matmuls():
            c = torch.mm(a, b)  # (s, s)
        synchronize(device)
        return c

    return Prepared(run, lambda c, k: c[:k].double().cpu().numpy())


def _add_one(x, times):
    for _ in range(times):
        x.add_(1.0)


def launch_eager(size, device):
    """x += 1, `size` times from Python. The check reads x after the first call: exactly `size`."""
    x = torch.zeros(1, device=device)

    def run():
        _add_one(x, size)
        synchronize(device)
        return x

    return Prepared(run, lambda out, k: out.double().cpu().numpy())


def launch_graph(size, device):
    """The same additions as one CUDA graph, replayed. x is zeroed after capture, so the first replay gives size."""
    if device != "cuda":
        raise ValueError("CUDA graphs need device='cuda'")
    x = torch.zeros(1, device=device)
    side = torch.cuda.Stream()  # warm-up before capture on a side stream, as torch's CUDA-graph notes require
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        _add_one(x, 3)
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        _add_one(x, size)
    x.zero_()
    torch.cuda.synchronize()

    def run():
        graph.replay()
        torch.cuda.synchronize()
        return x

    return Prepared(run, lambda out, k: out.double().cpu().numpy())


# name -> (devices it runs on, factory(size, device) -> Prepared)
IMPLEMENTATIONS = {
    "torch_copy": (("cpu", "cuda"), torch_copy),
    "torch_matmul_tf32": (("cpu", "cuda"), torch_matmul_tf32),
    "launch_eager": (("cpu", "cuda"), launch_eager),
    "launch_graph": (("cuda",), launch_graph),
}


@functools.lru_cache(maxsize=4)
def reference(implementation, size):
    """What head(output, k) must give: copy equal (1), the float64 matmul rows, the count of additions."""
    if implementation == "torch_copy":
        return np.array([1.0])
    if implementation == "torch_matmul_tf32":
        return matmul_oracle(size)
    return np.array([float(size)])


def work(implementation, size):
    """(amount, unit) of one call: bytes moved, FLOPs, or ops launched."""
    if implementation == "torch_copy":
        return 2 * size * MIB, "byte"
    if implementation == "torch_matmul_tf32":
        return matmul_flops(size), "flop"
    return size, "launch"
