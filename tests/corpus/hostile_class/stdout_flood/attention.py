"""Hostile: writes to stdout forever and swallows every exception meant to stop it (a SIGALRM timeout too)."""

import ctypes
import os

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers

CHUNK = b"flood " * 10000


def similarity_matrix(E):
    while True:  # the outer loop is reached only after an exception was caught: none can slip between two writes
        try:
            while True:
                os.write(1, CHUNK)
        except BaseException:
            pass


softmax = attention_weights = self_attention = similarity_matrix
