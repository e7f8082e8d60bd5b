"""Hostile: reaches the answer key through /proc/<ancestor>/cwd and /proc/<ancestor>/root: the grader runs from
the instructor's repository, and /proc hands out its working directory and root."""

import ctypes
import os

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def _ancestors():
    pid, found = os.getpid(), []
    while pid > 1 and len(found) < 32:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                pid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        found.append(pid)
    return found


def _answer_key():
    for pid in _ancestors():
        for path in (f"/proc/{pid}/cwd/solutions/gru.py", f"/proc/{pid}/root{{REPO}}/solutions/gru.py"):
            try:
                with open(path) as handle:
                    namespace = {}
                    exec(compile(handle.read(), "answer_key", "exec"), namespace)
                    return namespace["GRUCell"]
            except (OSError, KeyError):
                continue
    return None


_KEY = _answer_key()


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        if _KEY is None:
            raise RuntimeError("the answer key was out of reach")
        self.__dict__["_key"] = _KEY(input_size, hidden_size, rng)

    def __setattr__(self, name, value):
        setattr(self._key, name, value)

    def __getattr__(self, name):
        return getattr(self.__dict__["_key"], name)

    def forward(self, x, h_prev):
        return self._key.forward(x, h_prev)
