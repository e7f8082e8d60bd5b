"""Judges one check: the student's raw outcome against the expected one, in a fixed order.

For every expected output: exact type (plain ``np.ndarray``, or a Python float), floating dtype, exact
shape, finite, then closeness at the tolerance of ``seqlab.grading.tolerance``. Outputs named ``input:...`` are
the arrays the student was handed, read back after the call: they must be bit-for-bit unchanged. Outputs named
``observed:...`` are read back for feedback only (is each dict entry still the caller's array?) and never judged.
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.outcome import Outcome
from seqlab.grading.tolerance import FLOAT64, Tolerance

OBSERVED = "observed:"
PREFIXES = {  # how each kind of error the driver or runner reports reads in feedback
    "not_implemented": "",
    "import": "importing the module failed: ",
    "missing": "a name the exercise needs is missing or misspelt: ",
    "error": "raised ",
    "timeout": "",
    "cpu_limit": "",
    "crash": "",
}


def _fmt(value) -> str:
    return f"{value:.6g}" if isinstance(value, (float, np.floating)) else str(value)


def _index(shape: tuple[int, ...], flat: int) -> str:
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(flat, shape)) + "]" if shape else ""


def _mismatch(key: str, got: np.ndarray, expected: np.ndarray, close: np.ndarray, tol: Tolerance) -> str:
    """The first wrong entry, expected versus got, and the largest relative error."""
    first = int(np.flatnonzero(~close.ravel())[0])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rel = np.abs(got - expected) / np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
    worst = int(np.nanargmax(rel.ravel()))
    shape = expected.shape
    return (f"{key}{_index(shape, first)}: expected {_fmt(expected.ravel()[first])}, got "
            f"{_fmt(got.ravel()[first])} ({int((~close).sum())} of {close.size} entries differ; largest "
            f"relative error {rel.ravel()[worst]:.2g} at {key}{_index(shape, worst)}; {tol.label} tolerance: "
            f"rtol {tol.rtol:g}, atol {tol.atol:g})")


def _judge_array(key: str, got, expected: np.ndarray, tol: Tolerance) -> str | None:
    if key.startswith("input:"):
        name = key.split(":", 1)[1]
        if not (isinstance(got, np.ndarray) and got.shape == expected.shape and np.array_equal(got, expected, equal_nan=True)):
            return (f"the function modified its input {name} in place; it must leave the arrays it is "
                    f"given unchanged (work on a copy or build new arrays)")
        return None
    if got.dtype.kind != "f":
        return f"{key} has dtype {got.dtype}; expected a floating-point array"
    if tol is FLOAT64 and got.dtype != np.float64:
        return f"{key} is {got.dtype} but the inputs were float64: compute in float64 (don't downcast)"
    if got.shape != expected.shape:
        return f"{key} has shape {got.shape}; expected {expected.shape}"
    finite = np.isfinite(expected)
    bad = finite & ~np.isfinite(got)
    if bad.any():
        first = int(np.flatnonzero(bad.ravel())[0])
        return (f"{key}{_index(got.shape, first)} is {got.ravel()[first]} where a finite value "
                f"{_fmt(expected.ravel()[first])} is expected ({int(bad.sum())} non-finite entries)")
    close = tol.close(got.astype(np.float64), expected, equal_nan=True)
    if not close.all():
        return _mismatch(key, got.astype(np.float64), expected, close, tol)
    return None


def judge(got: Outcome, expected: Outcome, tol: Tolerance) -> str | None:
    """None when the check passes, else a one-line reason."""
    if got.error is not None:
        kind, text = got.error
        return PREFIXES.get(kind, "") + text
    for key, value in expected.floats.items():
        if key.startswith(OBSERVED):
            continue
        if key in got.floats:
            if key.startswith("len("):
                if got.floats[key] != value:
                    return f"{key[4:-1]} has {int(got.floats[key])} items; expected {int(value)}"
            elif not tol.close(np.float64(got.floats[key]), np.float64(value), equal_nan=True):
                return f"{key}: expected {_fmt(value)}, got {_fmt(got.floats[key])}"
        elif key in got.arrays:
            return f"{key} is a numpy array of shape {got.arrays[key].shape}; expected a Python float (use float(...))"
        elif key in got.bad_types:
            return f"{key} is {got.bad_types[key]}; expected a Python float"
        else:
            return f"returned no {key}"
    for key, value in expected.arrays.items():
        if key.startswith(OBSERVED):
            continue
        if key in got.arrays:
            reason = _judge_array(key, got.arrays[key], value, tol)
            if reason:
                return reason
        elif key in got.bad_types:
            return f"{key} is {got.bad_types[key]}; expected a plain numpy.ndarray"
        elif key in got.floats:
            return f"{key} is a float; expected a numpy array of shape {value.shape}"
        else:
            return f"returned no {key}"
    return None


def matches(got: Outcome, variant: Outcome, tol: Tolerance) -> bool:
    """Whether the student's outcome is (numerically) the known wrong variant's: the same outputs, every one close
    at the tolerance (compared in one pass over all of them: the search for combined mistakes calls this often)."""
    if got.error is not None or variant.error is not None:
        return False
    if set(got.floats) != set(variant.floats) or set(got.arrays) != set(variant.arrays):
        return False
    for key, value in variant.arrays.items():
        mine = got.arrays[key]
        if mine.shape != value.shape or mine.dtype.kind not in "biuf":
            return False
    keys = list(variant.arrays)
    mine = np.concatenate([np.asarray([got.floats[k] for k in variant.floats], dtype=np.float64)]
                          + [got.arrays[k].astype(np.float64).ravel() for k in keys])
    theirs = np.concatenate([np.asarray(list(variant.floats.values()), dtype=np.float64)]
                            + [variant.arrays[k].astype(np.float64).ravel() for k in keys])
    return tol.all_close(mine, theirs)
