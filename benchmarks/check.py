"""Compare an implementation's output with the float64 oracle before it is timed; a wrong fast answer fails.

Tolerances (absolute; fp32 unit roundoff u = 2^-24 ~ 6e-8; TF32, which a GPU may silently use for "fp32",
rounds operands to u' = 2^-11 ~ 5e-4):
- RNN, |h| < 1: each step adds the rounding of two length-d dot products, ~sqrt(2d) u |terms| ~ 1e-6; the
  recurrence contracts errors (W_h's spectral radius 0.9, tanh' <= 1), so they do not pile up over n steps.
  Observed <= 2e-6 up to n = 4096. 1e-4 leaves 50x margin; TF32 or any real bug (a transposed weight, a lost
  bias, an off-by-one step) gives errors >= 1e-3.
- attention, |out| ~ 5: logits x_i . x_j / sqrt(d) up to ~sqrt(d) ~ 16 carry ~16 u relative error, the softmax
  sums n terms; observed <= 3e-5 up to n = 4096 on CPU. 2e-4 leaves 6x margin; TF32 logits would be off by
  ~16 u' ~ 8e-3, moving outputs by ~3e-2.
- 4096^3 matmul, entries of std 64: observed ~1e-4 (blocked sums of 4096 products); 2e-3 leaves 20x margin,
  TF32 would give ~1e-1.
- ceilings (benchmarks/ceiling_impls.py): the copy and the counted additions are exact (0). The TF32 matmul,
  emulated in numpy (operands rounded to 10-bit mantissas, float64 sums), is off by up to 0.069 on the same rows;
  0.5 leaves 7x margin, and a real bug (a transposed or missing operand) is off by ~64.
"""

import numpy as np

ATOL = {"rnn": 1e-4, "attention": 2e-4, "peak": 2e-3}
CHECK_BATCH = 2  # how many batch elements (sequences, rows) of an output are checked
CEILING_ATOL = {"torch_copy": 0.0, "torch_matmul_tf32": 0.5, "launch_eager": 0.0, "launch_graph": 0.0}


def tolerance(family, implementation):
    return CEILING_ATOL[implementation] if family == "ceiling" else ATOL[family]


def check_output(family, got, want, what, atol=None):
    """Assert max |got - want| <= atol (default ATOL[family]); return that maximum (recorded with the timing)."""
    atol = ATOL[family] if atol is None else atol
    if got.shape != want.shape:
        raise AssertionError(f"{what}: output shape {got.shape}, reference {want.shape}")
    err = float(np.max(np.abs(got - want)))
    if not err <= atol:  # also catches NaN
        raise AssertionError(f"{what}: max |output - reference| = {err:.3g} > tolerance {atol:.1g}")
    return err
