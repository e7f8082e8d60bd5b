"""Hostile: scans /proc like pkill and kills every python, pytest or seqlab process it can see (the grader
among them), then fails."""

import ctypes
import os
import signal

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

_me = os.getpid()
for _name in os.listdir("/proc"):
    if not _name.isdigit() or int(_name) == _me:
        continue
    try:
        with open(f"/proc/{_name}/cmdline", "rb") as _handle:
            _command = _handle.read()
    except OSError:
        continue
    if any(word in _command for word in (b"python", b"pytest", b"seqlab")):
        try:
            os.kill(int(_name), signal.SIGKILL)
        except OSError:
            pass


def similarity_matrix(E):
    raise RuntimeError("the grader should be dead by now")


softmax = attention_weights = self_attention = similarity_matrix
