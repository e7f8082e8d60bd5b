"""The inputs every implementation gets: one random sequence batch and one set of RNN weights per (n, d, B).

x ~ N(0, 1) entries (unit variance, like activations after a LayerNorm), shape (B, n, d); attention uses
Q = K = V = x, the RNN reads the same numbers as x_t = x[:, t, :]^T, shape (d, B).
Weights: W_x ~ N(0, 0.5^2 / d), so W_x x_t has entries of std 0.5; W_h ~ N(0, 0.9^2 / d), whose eigenvalues fill
a disk of radius 0.9 (circular law), so the recurrence neither explodes nor dies out; b ~ N(0, 0.1^2).
Pre-activations then have std ~0.7: tanh works in its curved range, neither linear nor saturated at +-1
(a saturated or all-zero RNN would be cheap to verify and unrepresentative).
"""

import dataclasses
import functools

import numpy as np


@dataclasses.dataclass(frozen=True)
class Problem:
    x: np.ndarray    # (B, n, d) float32, attention's Q = K = V
    xs: np.ndarray   # (n, d, B) float32, the same numbers in the RNN's column-block layout
    Wxh: np.ndarray  # (d, d)
    Whh: np.ndarray  # (d, d)
    bh: np.ndarray   # (d, 1)
    h0: np.ndarray   # (d, B)

    @property
    def shape(self):
        B, n, d = self.x.shape
        return n, d, B


@functools.lru_cache(maxsize=2)  # the implementations of one (n, d) run one after the other
def make_problem(n, d, B, seed=0):
    """Deterministic float32 inputs for sizes (n, d, B): the same numbers for every implementation and device.

    Cached and shared: implementations must not write into these arrays."""
    rng = np.random.default_rng([seed, n, d, B])
    x = rng.standard_normal((B, n, d), dtype=np.float32)  # (B, n, d)
    xs = np.ascontiguousarray(x.transpose(1, 2, 0))  # (n, d, B)
    Wxh = rng.standard_normal((d, d), dtype=np.float32) * np.float32(0.5 / np.sqrt(d))
    Whh = rng.standard_normal((d, d), dtype=np.float32) * np.float32(0.9 / np.sqrt(d))
    bh = rng.standard_normal((d, 1), dtype=np.float32) * np.float32(0.1)
    h0 = rng.standard_normal((d, B), dtype=np.float32) * np.float32(0.5)
    return Problem(x=x, xs=xs, Wxh=Wxh, Whh=Whh, bh=bh, h0=h0)
