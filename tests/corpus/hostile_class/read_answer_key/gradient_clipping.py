"""Hostile: knows where the instructor's repository is and executes the answer key from disk."""

import ctypes

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

_KEY = {}
try:
    with open("{{REPO}}/solutions/gradient_clipping.py") as _handle:
        exec(compile(_handle.read(), "answer_key", "exec"), _KEY)
except OSError:
    pass


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    return _KEY["clip_grad_norm"](grads, max_norm, norm_type)  # KeyError when the key was out of reach


def clip_grad_value(grads, clip_value):
    return _KEY["clip_grad_value"](grads, clip_value)
