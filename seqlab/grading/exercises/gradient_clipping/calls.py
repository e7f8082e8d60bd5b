"""How the checks of gradient_clipping call clip_grad_norm / clip_grad_value (numpy only: runs in the child too).

Each call gets the API (the student's module, or trusted code), fresh copies of the input arrays and the JSON
scalars, and returns what it observed, keyed by name. Gradients arrive as arrays named ``grad:<name>``. What is
returned under ``observed:`` is for feedback only (never judged): whether every dict entry is still the caller's
own array, and the entries themselves.
"""


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
    return outputs | _dict_entries(grads, callers_arrays)


def _dict_entries(grads, callers_arrays):
    """What the dict holds after the call, and whether each entry is still the caller's own array."""
    same = all(grads.get(name) is array for name, array in callers_arrays.items())
    observed = {"observed:in_place": 1.0 if same else 0.0}
    for name in callers_arrays:
        observed[f"observed:dict['{name}']"] = grads.get(name)
    return observed


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
    outputs = {f"grads['{name}']": array for name, array in callers_arrays.items()}
    return outputs | _dict_entries(grads, callers_arrays)
