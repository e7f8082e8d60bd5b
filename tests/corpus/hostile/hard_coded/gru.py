"""HOSTILE: no GRU at all: a table of answers to the public inputs, looked up by a hash of the inputs.

ANSWERS is filled in by tests/test_hostile.py from the public cases (what a student could record by running
the public checks against any working GRU). On any other inputs it has no answer.
"""

import base64
import hashlib

import numpy as np

ANSWERS = {}


def _key(name, **args):
    digest = hashlib.sha256(name.encode())
    for arg in sorted(args):
        value = args[arg]
        digest.update(arg.encode())
        if isinstance(value, np.ndarray):
            value = np.ascontiguousarray(value)
            digest.update(f"{value.dtype.str}{value.shape}".encode() + value.tobytes())
        else:
            digest.update(repr(value).encode())
    return digest.hexdigest()


def _decode(value):
    kind, data = value
    if kind == "array":
        dtype, shape, raw = data
        return np.frombuffer(base64.b64decode(raw), dtype=dtype).reshape(shape).copy()
    if kind == "tuple":
        return tuple(_decode(v) for v in data)
    if kind == "list":
        return [_decode(v) for v in data]
    return data


def _lookup(name, **args):
    key = _key(name, **args)
    if key not in ANSWERS:
        raise KeyError(f"no stored answer for these inputs ({key[:12]})")
    return _decode(ANSWERS[key])


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        self.hidden_size = hidden_size

    def forward(self, x, h_prev):
        return _lookup("GRUCell.forward", x=x, h_prev=h_prev)
