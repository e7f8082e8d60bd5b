"""Batched self-attention O = softmax(Q K^T / sqrt(d)) V with Q = K = V = x, x of shape (B, n, d), in torch.

The suite's third way, numpy, is in benchmarks/numpy_attention.py: it is exercise 4's computation, so it stays
with the instructor, while these two ship with the lesson (section 7 times them) in the student release.

All n positions are computed at once: two batched matmuls, (B, n, d) @ (B, d, n) and (B, n, n) @ (B, n, d), that
any number of cores (or a GPU's thousands) can share. The price is the (B, n, n) score tensor: O(n^2 d) work and
O(n^2) memory against the RNN's O(n d^2) work, so attention loses once n is large compared with d.
"""

import numpy as np
import torch
import torch.nn.functional as F

from benchmarks.machine import synchronize
from benchmarks.prepared import Prepared


def torch_attention(problem, device):
    """torch.matmul + torch.softmax, the formula as written. Output (B, n, d)."""
    x = torch.from_numpy(problem.x).to(device)  # (B, n, d)
    scale = 1.0 / float(np.sqrt(x.shape[-1]))

    def run():
        with torch.no_grad():
            s = torch.matmul(x, x.transpose(-2, -1)).mul_(scale)  # (B, n, n)
            out = torch.matmul(torch.softmax(s, dim=-1), x)  # (B, n, d)
        synchronize(device)
        return out

    return Prepared(run, lambda out, k: out[:k].double().cpu().numpy())


def torch_sdpa(problem, device):
    """F.scaled_dot_product_attention, given 4-D (B, heads=1, n, d) input: its fused kernels (flash/memory-
    efficient, never materialising (B, n, n)) expect (batch, heads, n, d); 3-D input silently takes a slower path.
    Its default scale is 1/sqrt(d). Output (B, 1, n, d)."""
    x = torch.from_numpy(problem.x).to(device)[:, None]  # (B, 1, n, d)

    def run():
        with torch.no_grad():
            out = F.scaled_dot_product_attention(x, x, x)  # (B, 1, n, d)
        synchronize(device)
        return out

    return Prepared(run, lambda out, k: out[:k, 0].double().cpu().numpy())


# name -> (devices it runs on, factory(problem, device) -> Prepared)
IMPLEMENTATIONS = {
    "torch_attention": (("cpu", "cuda"), torch_attention),
    "torch_sdpa": (("cpu", "cuda"), torch_sdpa),
}
