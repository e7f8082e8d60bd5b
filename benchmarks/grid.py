"""The benchmark grid: which (family, implementation, device, n, d, B) cases a run has, and why some skip.

Full and quick grids: d in {128, 256}, B = 32, n in {16, 64, 256, 1024, 4096}, so that n runs from far below d to
far above it (the crossover is expected near n ~ d) and a fit over n >= 256 has three points per line.
Tiny (CI): d = 32, n in {16, 64}, a 256^3 peak: every code path, no meaningful numbers.
Ceilings (benchmarks/ceiling_impls.py), one case each per device: the TF32 matmul at the peak's side; a copy far
above the last-level cache (tens of MiB on these CPUs, 60 MB of L2 on an H200); 1000 tiny ops for the launch cost.
"""

import dataclasses

import pytest

from benchmarks import attention_impls, ceiling_impls, matmul_impls, numpy_attention, rnn_impls
from benchmarks.machine import cuda_skip_reason

DEVICES = ("cpu", "cuda")
BATCH = 32
GRIDS = {  # mode -> (widths d, lengths n, peak matmul side)
    "full": ((128, 256), (16, 64, 256, 1024, 4096), 4096),
    "quick": ((128, 256), (16, 64, 256, 1024, 4096), 4096),
    "tiny": ((32,), (16, 64), 256),
}
# A CPU attention call at n = 4096 takes seconds to tens of seconds and 2-4 GiB (the (B, n, n) scores);
# --bench-quick leaves those out. On a GPU they take milliseconds, so they stay.
QUICK_CPU_ATTENTION_MAX_N = 1024
COPY_MIB = {"cpu": 256, "cuda": 1024}
LAUNCHES = 1000
TINY_COPY_MIB, TINY_LAUNCHES = 8, 100

FACTORIES = {"rnn": rnn_impls.IMPLEMENTATIONS,
             "attention": {**numpy_attention.IMPLEMENTATIONS, **attention_impls.IMPLEMENTATIONS},
             "peak": matmul_impls.IMPLEMENTATIONS, "ceiling": ceiling_impls.IMPLEMENTATIONS}


def ceiling_size(implementation, device, mode):
    """A ceiling case's size: the matmul side, the MiB copied, or the number of ops launched."""
    tiny = mode == "tiny"
    if implementation == "torch_matmul_tf32":
        return GRIDS[mode][2]
    if implementation == "torch_copy":
        return TINY_COPY_MIB if tiny else COPY_MIB[device]
    return TINY_LAUNCHES if tiny else LAUNCHES


@dataclasses.dataclass(frozen=True)
class Case:
    family: str          # "rnn", "attention", "peak" or "ceiling"
    implementation: str
    device: str          # "cpu" or "cuda"
    n: int = 0           # sequence length (rnn, attention)
    d: int = 0           # width: input = hidden size (rnn), feature size (attention)
    B: int = 0           # batch
    size: int = 0        # matmul side (peak); for a ceiling, ceiling_size()

    @property
    def id(self):
        if self.family in ("peak", "ceiling"):
            return f"{self.device}-{self.size}-{self.implementation}"
        return f"{self.device}-d{self.d}-n{self.n}-{self.implementation}"

    @property
    def group(self):
        """pytest-benchmark group: one table per (device, d, n) holding both families."""
        if self.family == "peak":
            return f"{self.device} peak: fp32 matmul {self.size}^3"
        if self.family == "ceiling":
            return f"{self.device} ceilings"
        return f"{self.device} d={self.d} n={self.n}"


def cases(family, mode, devices=DEVICES):
    """[(Case, skip reason or None)] for one family, in run order (d, then n, then device)."""
    widths, lengths, peak_size = GRIDS[mode]
    cuda_reason = cuda_skip_reason()
    out = []

    def add(case):
        reason = None
        if case.device == "cuda" and cuda_reason:
            reason = cuda_reason
        elif (mode == "quick" and case.family == "attention" and case.device == "cpu"
              and case.n > QUICK_CPU_ATTENTION_MAX_N):
            reason = f"--bench-quick: CPU attention with n > {QUICK_CPU_ATTENTION_MAX_N} left out (slowest cases)"
        out.append((case, reason))

    impls = FACTORIES[family]
    if family in ("peak", "ceiling"):
        for device in devices:
            for name, (impl_devices, _) in impls.items():
                if device in impl_devices:
                    size = peak_size if family == "peak" else ceiling_size(name, device, mode)
                    add(Case(family, name, device, size=size))
        return out
    for d in widths:
        for n in lengths:
            for device in devices:
                for name, (impl_devices, _) in impls.items():
                    if device in impl_devices:
                        add(Case(family, name, device, n=n, d=d, B=BATCH))
    return out


def pytest_params(family, mode, devices=DEVICES):
    """The cases as pytest.param objects, skip marks attached."""
    return [pytest.param(case, id=case.id, marks=[pytest.mark.skip(reason=reason)] if reason else [])
            for case, reason in cases(family, mode, devices)]
