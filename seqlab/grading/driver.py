"""Runs one exercise's calls on an API and turns what comes back into raw data.

The same functions run on both sides of the trust boundary:

* in the **child** process, on the student's module: this file is then the whole program
  (``python -I -S -c <this source> NUMPY_SITE``). It reads ``request.json`` (the checks, and the source of the
  exercise's ``calls.py``, which it executes because it cannot import seqlab) and ``request.npz`` from its
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


def call(function, api, arrays, args):
    """Runs one call of an exercise on an API: returns (outputs, error). error is None or (kind, text).

    `function` is one of the exercise's calls (``calls.py``); it gets fresh copies of the arrays, so the caller's
    originals stay intact for "was my input modified?"."""
    copies = {key: np.array(value, copy=True) for key, value in arrays.items()}
    try:
        return function(api, copies, args), None
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


def load_calls(source):
    """The exercise's calls, from the text of its calls.py."""
    namespace = {"__name__": "seqlab_exercise_calls"}
    exec(compile(source, "calls.py", "exec"), namespace)
    return namespace


def child_main():
    with open("request.json") as handle:
        request = json.load(handle)
    calls = load_calls(request["calls_source"])
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
        outputs, error = call(calls[check["call"]], module, arrays, check["args"])
        if error is not None:
            _write_result(k, {"error": list(error)}, {})
            continue
        raw_arrays, floats, bad_types = to_raw(outputs)
        _write_result(k, {"floats": floats, "bad_types": bad_types}, raw_arrays)


if __name__ == "__main__":
    child_main()
