"""How a wrong GRU step is localised and explained: its parts, probes and findings (see seqlab.grading.spec).

    r  = sigmoid(W_ir x + b_ir + W_hr h + b_hr)     z  = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))  h' = (1 - z) * n + z * h
"""

import numpy as np

from seqlab.grading.spec import Finding, Part, Probe, zeroed


def _step_output(name):
    return lambda case, outcome: outcome.arrays.get(name) if "h_prev" in case.arrays else None


def _update_residual(case, outcome):
    """h' - ((1 - z) * n + z * h) with the student's own z and n: 0 when the update is right for them."""
    if "h_prev" not in case.arrays:
        return None
    a = outcome.arrays
    return a["h"] - ((1 - a["z"]) * a["n"] + a["z"] * case.arrays["h_prev"])


def _states(first):
    def of(case, outcome):
        if "h0" not in case.arrays:
            return None
        T = case.arrays["inputs"].shape[0]
        return np.stack([outcome.arrays[f"h[{t}]"] for t in (range(1) if first else range(1, T))])
    return of


PARTS = (
    Part("r", "the reset gate r", _step_output("r")),
    Part("z", "the update gate z", _step_output("z")),
    Part("n", "the candidate n", _step_output("n")),
    Part("h", "the new state h'", _step_output("h")),
    Part("update", "h' = (1 - z) * n + z * h for your own z and n", _update_residual, derived=True),
    Part("first_step", "the first state of the sequence", _states(first=True)),
    Part("later_steps", "the states after it", _states(first=False)),
)


def _first_column(arrays, args):
    for name in ("x", "h_prev"):
        arrays[name] = arrays[name][:, :1].copy()
    return arrays, args


def _reversed_columns(arrays, args):
    for name in ("x", "h_prev"):
        arrays[name] = arrays[name][:, ::-1].copy()
    return arrays, args


def _columns_reversed_back(case, arrays):
    return {key: value[:, ::-1] for key, value in arrays.items() if not key.startswith("input:")}


def _weights_twice(arrays, args):
    for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
        arrays[f"first:{name}"] = -arrays[name][::-1].copy()  # other weights for the first call
    return arrays, args


def _unchanged(case, arrays):
    return {key: value for key, value in arrays.items() if not key.startswith("input:")}


PROBES = (
    Probe("zero_state", "step_float64", "h_prev = 0", zeroed("h_prev")),
    Probe("zero_biases", "step_float64", "b_ih = b_hh = 0", zeroed("b_ih", "b_hh")),
    Probe("no_input_bias", "step_float64", "b_ih = 0", zeroed("b_ih")),
    Probe("no_hidden_bias", "step_float64", "b_hh = 0", zeroed("b_hh")),
    Probe("zero_input", "step_float64", "x = 0", zeroed("x")),
    Probe("one_column", "step_float64", "the batch's first column alone (B = 1)", _first_column),
    Probe("permuted_batch", "step_float64", "the batch's columns in reverse order", _reversed_columns,
          relation=_columns_reversed_back),
    Probe("weights_twice", "step_float64", "the weights replaced between two calls", _weights_twice,
          call="gru_step_twice", relation=_unchanged),
)


def _step_failed(e):
    return e.part("h") is False


FINDINGS = (
    Finding("update_only",
            "r, z and n are right, only the new state is wrong: combine them as h' = (1 - z) * n + z * h",
            lambda e: e.part("r") and e.part("z") and e.part("n") and e.part("h") is False),
    Finding("candidate_only",
            "the gates r and z are right and h' = (1 - z) * n + z * h holds for your n: the candidate is wrong, "
            "n = tanh(W_in x + b_in + r * (W_hn h + b_hn))",
            lambda e: e.part("r") and e.part("z") and e.part("n") is False and e.part("update")),
    Finding("gates_wrong_update_right",
            "h' = (1 - z) * n + z * h holds for your own z and n, so the update is right; what goes into it is not",
            lambda e: e.part("update") and (e.part("r") is False or e.part("z") is False)),
    Finding("right_without_state",
            "with h_prev = 0 your step is right: the mistake is in a term that vanishes when h_prev = 0 (W_hh h_prev "
            "in a gate or in the candidate, or z * h_prev in the update)",
            lambda e: _step_failed(e) and e.probe("zero_state")),
    Finding("bias_wrong",
            "with all biases 0 your step is right: a bias is missing or misplaced",
            lambda e: _step_failed(e) and e.probe("zero_biases") and not e.probe("no_input_bias")
            and not e.probe("no_hidden_bias")),
    Finding("hidden_bias_wrong",
            "with b_hh = 0 your step is right (and with b_ih = 0 it is not): the hidden-side biases b_hh "
            "(b_hr, b_hz, b_hn) are missing or misplaced",
            lambda e: _step_failed(e) and e.probe("no_hidden_bias") and e.probe("no_input_bias") is False),
    Finding("input_bias_wrong",
            "with b_ih = 0 your step is right (and with b_hh = 0 it is not): the input-side biases b_ih are "
            "missing or misplaced",
            lambda e: _step_failed(e) and e.probe("no_input_bias") and e.probe("no_hidden_bias") is False),
    Finding("input_side_wrong",
            "with x = 0 your step is right: the input side W_ih x is used wrongly (its row blocks, or a transpose)",
            lambda e: _step_failed(e) and e.probe("zero_input") and not e.probe("zero_state")),
    Finding("batch_mixed",
            "your result for one column depends on the other columns (reversing the batch does not just reverse "
            "the results): a sum, a mean or a broadcast runs over the batch axis",
            lambda e: e.probe("permuted_batch") is False),
    Finding("batch_wrong",
            "right for one example (B = 1), wrong for a batch: check that every operation keeps the batch "
            "columns apart (biases are (3H, 1) and broadcast over B)",
            lambda e: _step_failed(e) and e.probe("one_column") and e.probe("permuted_batch") is not False),
    Finding("weights_kept",
            "a cell that already ran with other weights gives another result than a fresh one: read W_ih, W_hh, "
            "b_ih, b_hh at every call (do not copy or stack them once, in __init__ or in the first forward)",
            lambda e: e.probe("weights_twice") is False),
    Finding("sequence_state",
            "each step is right on its own, but fed its own states the sequence is not: does forward keep a state "
            "of its own instead of using the h_prev it is given?",
            lambda e: e.part("first_step") is not None and e.passed("step_float64") and e.passed("step_zero_state")),
)
