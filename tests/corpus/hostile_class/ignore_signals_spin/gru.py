"""Hostile: ignores SIGALRM, SIGTERM, SIGINT and SIGHUP (the usual timeouts), then never returns."""

import ctypes
import signal

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

for _signal in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_signal, signal.SIG_IGN)


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        pass

    def forward(self, x, h_prev):
        while True:
            pass
