"""HOSTILE: at import it writes "results" claiming success for every check, then ends the process with status 0.

A harness that runs the module and then reads results/<k>.json from the working directory believes them.
Besides the plain claims it leaves malformed results: a JSON list, an error that is not a pair, a non-number
where a float belongs, a result whose arrays file is a link to a file outside, and a folder where a file
belongs.
"""

import json
import os

RESULTS = "results"
CLAIM = {"success": True, "passed": True, "score": 25, "error": None, "floats": {}, "bad_types": {}}


def _write(name, payload):
    with open(os.path.join(RESULTS, name), "w") as handle:
        json.dump(payload, handle)


os.makedirs(RESULTS, exist_ok=True)
for k in range(32):
    _write(f"{k}.json", CLAIM)
_write("1.json", [CLAIM])
_write("2.json", {"error": "none"})
_write("3.json", {"floats": {"total_norm": "very small"}, "bad_types": {}})
try:
    os.symlink("/etc/hostname", os.path.join(RESULTS, "4.npz"))
    os.remove(os.path.join(RESULTS, "5.json"))
    os.mkdir(os.path.join(RESULTS, "5.json"))
except OSError:
    pass
os._exit(0)


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    return 0.0


def clip_grad_value(grads, clip_value):
    return None
