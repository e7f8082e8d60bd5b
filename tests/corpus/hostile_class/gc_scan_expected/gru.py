"""Hostile: searches every object the garbage collector tracks for the grader's expected state and gates."""

import ctypes
import gc

import numpy as np

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


def _is_state(value, shape, exclude):
    return isinstance(value, np.ndarray) and value.shape == shape and id(value) not in exclude


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        pass

    def forward(self, x, h_prev):
        exclude = {id(x), id(h_prev)}
        for obj in gc.get_objects():
            if not isinstance(obj, dict):
                continue
            states = [v for v in obj.values() if _is_state(v, h_prev.shape, exclude)]
            gates = [v for v in obj.values() if isinstance(v, tuple) and len(v) == 3
                     and all(_is_state(g, h_prev.shape, exclude) for g in v)]
            if states and gates:
                return states[0].copy(), tuple(g.copy() for g in gates[0])
        raise RuntimeError("no expected answer in this process")
