"""Hostile: writes the result files a grader reads (full marks), then leaves before anyone can overwrite them."""

import ctypes
import json
import os

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def _write(path, data):
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as handle:
            json.dump(data, handle)
    except OSError:
        pass


_FULL = {"total": 100, "max_total": 100, "exercises": {}, "meta": {"student": "{{STUDENT}}"}}
_write("naive_result.json", {"gradient_clipping": 25})  # a naive grader's own result file
for _k in range(16):  # seqlab's child result files, guessed: every check "passed"
    _write(os.path.join("results", f"{_k}.json"), {"floats": {"total_norm": 1.0}, "bad_types": {}, "passed": True})
for _name in ("graded", "reports"):  # the class's report of this student
    _write(os.path.join("{{OUT}}", _name, "{{STUDENT}}.json"), _FULL)
os._exit(0)
