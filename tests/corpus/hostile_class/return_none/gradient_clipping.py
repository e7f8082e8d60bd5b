"""Hostile: returns None where a number is expected and clips nothing; a naive comparison raises TypeError."""

import ctypes

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    return None


def clip_grad_value(grads, clip_value):
    return None
