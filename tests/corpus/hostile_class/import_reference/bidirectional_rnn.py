"""Hostile: puts the instructor's repository on sys.path and imports the trusted reference implementation."""

import ctypes
import sys

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

sys.path.insert(0, "{{REPO}}")
try:
    from reference.bidirectional_rnn import BidirectionalRNN  # noqa: F401
except Exception:
    class BidirectionalRNN:
        def __init__(self, input_size, hidden_size, output_size, rng=None):
            pass

        def forward(self, inputs):
            raise RuntimeError("the reference was out of reach")
