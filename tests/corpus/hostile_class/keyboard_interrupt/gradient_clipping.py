"""Hostile: raises KeyboardInterrupt, which `except Exception` does not catch: a naive grader stops for everyone."""

import ctypes

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    raise KeyboardInterrupt


def clip_grad_value(grads, clip_value):
    raise KeyboardInterrupt
