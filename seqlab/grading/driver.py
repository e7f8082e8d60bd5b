"""Runs one exercise's calls on an API and turns what comes back into raw data.

The same functions run on both sides of the trust boundary:

* in the **child** process, on the student's module: this file and ``host.py`` are then the whole program
  (``python -I -S -c <this source + host's> NUMPY_SITE REQUEST``); the host runs ``child_main`` in one fork per
  exercise, in that exercise's folder. It reads ``request.json`` (the checks, and the source of the
  exercise's ``calls.py``, which it executes because it cannot import seqlab) and ``request.npz`` from its
  working directory and writes, per check, ``results/<k>.npz`` (plain arrays) and ``results/<k>.json``
  (floats, type names, error text). Nothing it writes is trusted: the parent loads arrays with
  ``allow_pickle=False`` and judges them itself.
* in the **parent**, on trusted code (``reference/`` and its known mistakes), to compute what the
  student's outputs are compared against.

Only numpy and the standard library may be imported here: the child has nothing else.
"""

import json
import linecache
import os
import sys
import traceback
import warnings

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


def _shapes(frame):
    """The shapes of the numpy arrays a failing frame holds (its locals, and self's array attributes): what a
    shape error is reasoned from. At most 32 names; nothing here may raise."""
    shapes = {}
    try:
        named = list(frame.f_locals.items())
        owner = frame.f_locals.get("self")
        attributes = getattr(owner, "__dict__", None)
        if isinstance(attributes, dict):
            named += [(f"self.{key}", value) for key, value in attributes.items()]
        for name, value in named:
            if type(value) is np.ndarray and len(shapes) < 32:
                shapes[str(name)[:40]] = [int(n) for n in value.shape]
    except BaseException:
        pass
    return shapes


def _is_submission(filename, module_file):
    """Whether code comes from the student's file (importlib records its absolute path)."""
    return module_file is not None and os.path.abspath(filename) == os.path.abspath(module_file)


def error_record(exc, module_file):
    """What went wrong, as data: the exception's type and message and where it happened: the deepest line of the
    student's file (or, when the student's code was never reached, of the grader's calls.py), its text and the
    shapes of the arrays that frame held."""
    try:
        message = str(exc)
    except BaseException:  # an exception whose str() raises is still reported
        message = "<unprintable>"
    record = {"type": type(exc).__name__, "message": message[:400]}
    where, frame = None, None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if _is_submission(name, module_file):
            where, frame = "submission", tb
        elif name == "calls.py" and where != "submission":
            where, frame = "grader", tb
        tb = tb.tb_next
    if isinstance(exc, SyntaxError) and exc.filename and _is_submission(exc.filename, module_file):
        record.update({"in": "submission", "line": exc.lineno or 0, "function": "",
                       "text": (exc.text or "").strip()[:200]})
    elif frame is not None:
        summary = traceback.extract_tb(frame, limit=1)[0]
        record.update({"in": where, "line": summary.lineno or 0, "function": summary.name,
                       "text": (summary.line or "").strip()[:200], "shapes": _shapes(frame.tb_frame)})
    return record


def _where(record):
    """" (line 12 in forward: h = W @ x + b)", from an error record."""
    if "line" not in record:
        return ""
    place = f"line {record['line']}"
    if record["in"] == "grader":
        place += " of the grader's call"
    elif record["function"]:
        place += f" in {record['function']}"
    return f" ({place}: {record['text']})" if record["text"] else f" ({place})"


def _warnings(caught, module_file):
    """RuntimeWarnings (overflow in exp, invalid value...) raised on the student's lines, at most 5."""
    seen = []
    for w in caught:
        if _is_submission(w.filename, module_file) and len(seen) < 5:
            seen.append({"category": w.category.__name__, "message": str(w.message)[:200], "line": w.lineno,
                         "text": (linecache.getline(w.filename, w.lineno) or "").strip()[:200]})
    return seen


def call(function, api, arrays, args):
    """Runs one call of an exercise on an API: returns (outputs, error). error is None or (kind, text).

    `function` is one of the exercise's calls (``calls.py``); it gets fresh copies of the arrays, so the caller's
    originals stay intact for "was my input modified?"."""
    outputs, error, _ = recorded_call(function, api, arrays, args)
    return outputs, error


def recorded_call(function, api, arrays, args, module_file=None):
    """``call``, and a record: the error as data (``error_record``) or, with no error, the warnings the student's
    lines raised. `module_file` is the student's file (in the child only: warnings are recorded there, never in the
    grading process, where catching them is not thread-safe)."""
    copies = {key: np.array(value, copy=True) for key, value in arrays.items()}
    try:
        if module_file is None:
            return function(api, copies, args), None, {}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")  # once per line: a loop cannot flood the record
            outputs = function(api, copies, args)
        return outputs, None, {"warnings": _warnings(caught, module_file)}
    except NotImplementedError:
        return None, ("not_implemented", "not implemented yet"), {}
    except BaseException as exc:  # the student's error, SystemExit and KeyboardInterrupt included
        record = error_record(exc, module_file)
        # A name the grader looks up on the API (no GRUCell, no forward) is missing; an AttributeError inside the
        # student's own code (np.sigmoid) is an error like any other.
        kind = "missing" if isinstance(exc, AttributeError) and record.get("in") != "submission" else "error"
        return None, (kind, f"{record['type']}: {record['message']}{_where(record)}"), record


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
    """The exercise's calls, from the text of its calls.py (registered with linecache, so that an error in a call
    shows the call's line)."""
    linecache.cache["calls.py"] = (len(source), None, source.splitlines(True), "calls.py")
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
        record = error_record(exc, request["module_file"])
        kind = "not_implemented" if isinstance(exc, NotImplementedError) else "import"
        _write_result("import", {"error": [kind, f"{record['type']}: {record['message']}{_where(record)}"],
                                 "record": record}, {})
        return
    for k, check in enumerate(request["checks"]):
        prefix = f"{check['name']}::"
        arrays = {key[len(prefix):]: value for key, value in inputs.items() if key.startswith(prefix)}
        outputs, error, record = recorded_call(calls[check["call"]], module, arrays, check["args"],
                                               request["module_file"])
        if error is not None:
            _write_result(k, {"error": list(error), "record": record}, {})
            continue
        raw_arrays, floats, bad_types = to_raw(outputs)
        _write_result(k, {"floats": floats, "bad_types": bad_types, "record": record}, raw_arrays)

