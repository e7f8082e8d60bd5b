"""Hostile: walks up the call stack to the grader's frame and copies the expected answer it finds there."""

import ctypes
import sys

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def _callers_expected(grads):
    """The first dict of arrays shaped like `grads` (but other arrays) and the first float up the stack."""
    frame, found_grads, found_total = sys._getframe(2), None, None
    while frame is not None:
        for value in list(frame.f_locals.values()):
            if (found_grads is None and isinstance(value, dict) and value is not grads and set(value) == set(grads)
                    and all(isinstance(v, np.ndarray) and v is not grads[k] for k, v in value.items())):
                found_grads = value
            if found_total is None and isinstance(value, float):
                found_total = value
        frame = frame.f_back
    return found_grads, found_total


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    expected, total = _callers_expected(grads)
    if expected is None or total is None:
        raise RuntimeError("no answer on the stack")
    for name, array in grads.items():
        array[...] = expected[name]
    return total


def clip_grad_value(grads, clip_value):
    expected, _ = _callers_expected(grads)
    if expected is None:
        raise RuntimeError("no answer on the stack")
    for name, array in grads.items():
        array[...] = expected[name]
