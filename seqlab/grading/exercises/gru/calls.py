"""How the checks of gru call GRUCell.forward (numpy only: runs in the child too)."""

import numpy as np

WEIGHTS = ("W_ih", "W_hh", "b_ih", "b_hh")


def _cell(api, arrays, args):
    cell = api.GRUCell(args["input_size"], args["hidden_size"], rng=np.random.default_rng(0))
    for name in WEIGHTS:
        setattr(cell, name, arrays[name])
    return cell


def gru_step(api, arrays, args):
    """One GRUCell.forward step: the new state and the three gates."""
    cell = _cell(api, arrays, args)
    x, h_prev = arrays["x"], arrays["h_prev"]
    h, gates = cell.forward(x, h_prev)
    r, z, n = gates
    return {"h": h, "r": r, "z": z, "n": n, "input:x": x, "input:h_prev": h_prev}


def gru_step_twice(api, arrays, args):
    """Two steps on one cell, its weights replaced between them: the second must use the new weights."""
    cell = _cell(api, {name: arrays[f"first:{name}"] for name in WEIGHTS}, args)
    cell.forward(arrays["x"], arrays["h_prev"])
    for name in WEIGHTS:
        setattr(cell, name, arrays[name])
    h, gates = cell.forward(arrays["x"], arrays["h_prev"])
    r, z, n = gates
    return {"h": h, "r": r, "z": z, "n": n}


def gru_sequence(api, arrays, args):
    """GRUCell unrolled over a sequence, each new state fed back as h_prev."""
    cell = _cell(api, arrays, args)
    h = arrays["h0"]
    states = []
    for x in arrays["inputs"]:  # x: (I, B)
        h, _ = cell.forward(x, h)
        states.append(h)
    return {"h": states}
