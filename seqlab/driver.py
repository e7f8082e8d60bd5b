"""Calls one exercise's API on given inputs and turns what comes back into raw data.

The same functions run on both sides of the trust boundary:

* in the **child** process, on the student's module: this file is then the whole program
  (``python -I -S -c <this source> NUMPY_SITE``). It reads ``request.json`` / ``request.npz`` from its
  working directory and writes, per check, ``results/<k>.npz`` (plain arrays) and ``results/<k>.json``
  (floats, type names, error text). Nothing it writes is trusted: the parent loads arrays with
  ``allow_pickle=False`` and judges them itself.
* in the **parent**, on trusted code (``reference/`` and its known mistakes), to compute what the
  student's outputs are compared against.

Only numpy and the standard library may be imported here: the child has nothing else.
"""

import json
import os
import sys
import traceback

if __name__ == "__main__":  # the child: numpy's folder is handed over because -S dropped site-packages
    sys.path.append(sys.argv[1])

import numpy as np

# ---------------------------------------------------------------------------------------------------
# One function per kind of call. Each gets the exercise's API (a module or a namespace), the input
# arrays (fresh copies, so the caller's originals stay intact for "was my input modified?") and the
# JSON scalars, and returns a dict of whatever the API returned, keyed by name.
# ---------------------------------------------------------------------------------------------------


def _grads(arrays):
    return {key.split(":", 1)[1]: value for key, value in arrays.items() if key.startswith("grad:")}


def clip_norm(api, arrays, args):
    """clip_grad_norm on a dict of gradients; returns the norm and the caller's arrays afterwards."""
    grads = _grads(arrays)
    callers_arrays = dict(grads)  # the objects the caller holds: in-place scaling must reach these
    total = api.clip_grad_norm(grads, args["max_norm"], float(args["norm_type"]))
    outputs = {"total_norm": total}
    for name, array in callers_arrays.items():
        outputs[f"grads['{name}']"] = array
    return outputs


def clip_norm_rejects_negative(api, arrays, args):
    """clip_grad_norm with max_norm < 0 must raise ValueError (any other exception is an error)."""
    try:
        api.clip_grad_norm(_grads(arrays), args["max_norm"])
    except ValueError:
        return {"raised ValueError": 1.0}
    return {"raised ValueError": 0.0}


def clip_value(api, arrays, args):
    """clip_grad_value on a dict of gradients; returns the caller's arrays afterwards."""
    grads = _grads(arrays)
    callers_arrays = dict(grads)
    api.clip_grad_value(grads, args["clip_value"])
    return {f"grads['{name}']": array for name, array in callers_arrays.items()}


_BIRNN_WEIGHTS = ("Wxh_f", "Whh_f", "bh_f", "Wxh_b", "Whh_b", "bh_b", "Why", "by")


def birnn_forward(api, arrays, args):
    """BidirectionalRNN.forward with weights set after construction (they must be read at call time)."""
    model = api.BidirectionalRNN(args["input_size"], args["hidden_size"], args["output_size"],
                                 rng=np.random.default_rng(0))
    for name in _BIRNN_WEIGHTS:
        setattr(model, name, arrays[name])
    inputs = [x for x in arrays["inputs"]]  # list of T arrays (I, B)
    outputs, hiddens = model.forward(inputs)
    return {"outputs": outputs, "hiddens": hiddens, "input:inputs": inputs}


_GRU_WEIGHTS = ("W_ih", "W_hh", "b_ih", "b_hh")


def _gru_cell(api, arrays, args):
    cell = api.GRUCell(args["input_size"], args["hidden_size"], rng=np.random.default_rng(0))
    for name in _GRU_WEIGHTS:
        setattr(cell, name, arrays[name])
    return cell


def gru_step(api, arrays, args):
    """One GRUCell.forward step: the new state and the three gates."""
    cell = _gru_cell(api, arrays, args)
    x, h_prev = arrays["x"], arrays["h_prev"]
    h, gates = cell.forward(x, h_prev)
    r, z, n = gates
    return {"h": h, "r": r, "z": z, "n": n, "input:x": x, "input:h_prev": h_prev}


def gru_sequence(api, arrays, args):
    """GRUCell unrolled over a sequence, each new state fed back as h_prev."""
    cell = _gru_cell(api, arrays, args)
    h = arrays["h0"]
    states = []
    for x in arrays["inputs"]:  # x: (I, B)
        h, _ = cell.forward(x, h)
        states.append(h)
    return {"h": states}


def similarity(api, arrays, args):
    """similarity_matrix(E)."""
    E = arrays["E"]
    return {"S": api.similarity_matrix(E), "input:E": E}


def softmax(api, arrays, args):
    """softmax(x, axis)."""
    x = arrays["x"]
    return {"softmax": api.softmax(x, axis=args["axis"]), "input:x": x}


def _mask(arrays):
    return arrays["mask"].astype(bool) if "mask" in arrays else None


def attention_weights(api, arrays, args):
    """attention_weights(E, scale, mask)."""
    E = arrays["E"]
    weights = api.attention_weights(E, scale=args["scale"], mask=_mask(arrays))
    return {"weights": weights, "input:E": E}


def self_attention(api, arrays, args):
    """self_attention(E, scale, mask): the attended output and the weights."""
    E = arrays["E"]
    output, weights = api.self_attention(E, scale=args["scale"], mask=_mask(arrays))
    return {"output": output, "weights": weights, "input:E": E}


CALLS = {f.__name__: f for f in (clip_norm, clip_norm_rejects_negative, clip_value, birnn_forward,
                                 gru_step, gru_sequence, similarity, softmax, attention_weights,
                                 self_attention)}

# ---------------------------------------------------------------------------------------------------
# Raw data only: what an API returned becomes {key: ndarray}, {key: float} and {key: "type name"}.
# ---------------------------------------------------------------------------------------------------


def flatten(outputs):
    """Expands lists and tuples: {"h": [a, b]} -> {"h[0]": a, "h[1]": b, "len(h)": 2.0}."""
    flat = {}
    for key, value in outputs.items():
        if isinstance(value, (list, tuple)):
            flat[f"len({key})"] = float(len(value))
            for i, item in enumerate(value):
                flat.update(flatten({f"{key}[{i}]": item}))
        else:
            flat[key] = value
    return flat


def describe_type(value):
    kind = type(value)
    if isinstance(value, np.ndarray):
        return f"{kind.__module__}.{kind.__qualname__} of dtype {value.dtype}"
    return f"{kind.__module__}.{kind.__qualname__}"


def to_raw(outputs):
    """Splits flattened outputs into plain arrays, floats and the type names of anything else."""
    arrays, floats, bad_types = {}, {}, {}
    for key, value in flatten(outputs).items():
        if type(value) is np.ndarray and value.dtype.kind in "biufc":  # exact type: no subclass
            arrays[key] = np.array(value, copy=True)
        elif isinstance(value, float):  # float and np.float64 (a float subclass)
            floats[key] = float(value)
        else:
            bad_types[key] = describe_type(value)
    return arrays, floats, bad_types


def call(api, check, arrays):
    """Runs one check on an API: returns (outputs, error). error is None or (kind, text)."""
    copies = {key: np.array(value, copy=True) for key, value in arrays.items()}
    try:
        return CALLS[check["call"]](api, copies, check["args"]), None
    except NotImplementedError:
        return None, ("not_implemented", "not implemented yet")
    except AttributeError as exc:
        return None, ("missing", f"{type(exc).__name__}: {exc}")
    except BaseException as exc:  # the student's error, SystemExit and KeyboardInterrupt included
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f" (line {frame.lineno} in {frame.name})" if frame else ""
        return None, ("error", f"{type(exc).__name__}: {exc}{where}")


# ---------------------------------------------------------------------------------------------------
# The child's program.
# ---------------------------------------------------------------------------------------------------


def _write_result(k, payload, arrays):
    np.savez(os.path.join("results", f"{k}.npz"), **arrays)
    with open(os.path.join("results", f"{k}.json"), "w") as handle:
        json.dump(payload, handle)


def _import_submission(path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("submission", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child_main():
    with open("request.json") as handle:
        request = json.load(handle)
    with np.load("request.npz", allow_pickle=False) as data:
        inputs = {key: data[key] for key in data.files}
    os.makedirs("results", exist_ok=True)
    try:
        module = _import_submission(request["module_file"])
    except BaseException as exc:  # SyntaxError, SystemExit, anything raised at import
        line = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) else ""
        kind = "not_implemented" if isinstance(exc, NotImplementedError) else "import"
        _write_result("import", {"error": [kind, f"{type(exc).__name__}: {exc}{line}"]}, {})
        return
    for k, check in enumerate(request["checks"]):
        prefix = f"{check['name']}::"
        arrays = {key[len(prefix):]: value for key, value in inputs.items() if key.startswith(prefix)}
        outputs, error = call(module, check, arrays)
        if error is not None:
            _write_result(k, {"error": list(error)}, {})
            continue
        raw_arrays, floats, bad_types = to_raw(outputs)
        _write_result(k, {"floats": floats, "bad_types": bad_types}, raw_arrays)


if __name__ == "__main__":
    child_main()
