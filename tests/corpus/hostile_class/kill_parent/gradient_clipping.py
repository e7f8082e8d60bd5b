"""Hostile: kills the process that started it (the grader), so that no score, not even 0, is recorded."""

import ctypes
import os
import signal

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

for _signal in (signal.SIGTERM, signal.SIGKILL):
    try:
        os.kill(os.getppid(), _signal)
    except OSError:
        pass


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    raise RuntimeError("the grader should be dead by now")


def clip_grad_value(grads, clip_value):
    raise RuntimeError("the grader should be dead by now")
