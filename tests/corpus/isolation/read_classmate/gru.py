"""HOSTILE (classmates): no GRU of its own. It looks for another student's gru.py wherever the grader keeps or runs
it: the folders named on the command lines of the machine's processes (the class's submissions) and the work
folders of the children graded beside it in the shared temporary folders; it runs the first it finds."""

import glob
import os
import time

TOKEN = "{{TOKEN}}"  # only a classmate's file that carries it is run (nothing else of the machine)


def _folders():
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                arguments = handle.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        for argument in arguments:
            if argument.startswith("/") and os.path.isdir(argument):
                yield argument


def _steal(seconds=2.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        candidates = glob.glob("/tmp/*/gru.py") + glob.glob("/tmp/*/*/gru.py")
        try:
            for folder in set(_folders()):
                candidates += glob.glob(os.path.join(folder, "*", "gru.py"))
        except OSError:
            pass
        for path in candidates:
            try:
                with open(path) as handle:
                    source = handle.read()
            except OSError:
                continue
            if TOKEN in source and "HOSTILE" not in source:
                namespace = {"__name__": "classmate"}
                exec(compile(source, path, "exec"), namespace)
                return namespace["GRUCell"]
        time.sleep(0.02)
    raise ImportError("no classmate's gru.py within reach")


GRUCell = _steal()
