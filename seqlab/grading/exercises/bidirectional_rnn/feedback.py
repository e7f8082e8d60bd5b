"""How a wrong bidirectional RNN is localised and explained: its parts, probes and findings (see seqlab.grading.spec).

    hf[t] = tanh(Wxh_f x[t] + Whh_f hf[t-1] + bh_f)    hb[t] = tanh(Wxh_b x[t] + Whh_b hb[t+1] + bh_b)
    hiddens[t] = [hf[t]; hb[t]]                        outputs[t] = Why hiddens[t] + by
"""

import numpy as np

from seqlab.grading.spec import Finding, Part, Probe, zeroed


def _steps(case):
    return range(case.arrays["inputs"].shape[0])


def _half(forward, only=None):
    """The forward (top H rows) or backward (bottom H rows) halves of hiddens[t], over all t or one t."""
    def of(case, outcome):
        H, T = case.args["hidden_size"], case.arrays["inputs"].shape[0]
        rows = slice(0, H) if forward else slice(H, 2 * H)
        steps = _steps(case) if only is None else [only(T)]
        return np.stack([outcome.arrays[f"hiddens[{t}]"][rows] for t in steps])
    return of


def _outputs(case, outcome):
    return np.stack([outcome.arrays[f"outputs[{t}]"] for t in _steps(case)])


def _readout_residual(case, outcome):
    """outputs[t] - (Why hiddens[t] + by) with the student's own states: 0 when the read-out is right for them."""
    Why, by = case.arrays["Why"], case.arrays["by"]
    return np.stack([outcome.arrays[f"outputs[{t}]"] - (Why @ outcome.arrays[f"hiddens[{t}]"] + by)
                     for t in _steps(case)])


PARTS = (
    Part("forward_states", "the forward states hf", _half(forward=True)),
    Part("backward_states", "the backward states hb", _half(forward=False)),
    Part("outputs", "the outputs", _outputs),
    Part("readout", "outputs[t] = Why hiddens[t] + by for your own states", _readout_residual, derived=True),
    Part("forward_first", "hf at t = 0", _half(forward=True, only=lambda T: 0)),
    Part("backward_first", "hb at t = T-1 (its first step)", _half(forward=False, only=lambda T: T - 1)),
)


def _one_step(arrays, args):
    arrays["inputs"] = arrays["inputs"][:1].copy()
    return arrays, args


def _same_weights(arrays, args):
    for name in ("Wxh", "Whh", "bh"):
        arrays[f"{name}_b"] = arrays[f"{name}_f"].copy()
    return arrays, args


def _reversed_columns(arrays, args):
    arrays["inputs"] = arrays["inputs"][:, :, ::-1].copy()
    return arrays, args


def _columns_reversed_back(case, arrays):
    return {key: value[:, ::-1] for key, value in arrays.items() if not key.startswith("input:")}


def _weights_twice(arrays, args):
    for name in ("Wxh_f", "Whh_f", "bh_f", "Wxh_b", "Whh_b", "bh_b", "Why", "by"):
        arrays[f"first:{name}"] = -arrays[name][::-1].copy()  # other weights for the first pass
    return arrays, args


def _unchanged(case, arrays):
    return {key: value for key, value in arrays.items() if not key.startswith("input:")}


PROBES = (
    Probe("zero_biases", "forward_float64", "bh_f = bh_b = by = 0", zeroed("bh_f", "bh_b", "by")),
    Probe("no_forward_bias", "forward_float64", "bh_f = 0", zeroed("bh_f")),
    Probe("no_backward_bias", "forward_float64", "bh_b = 0", zeroed("bh_b")),
    Probe("no_output_bias", "forward_float64", "by = 0", zeroed("by")),
    Probe("one_step", "forward_float64", "the first time step alone (T = 1)", _one_step),
    Probe("no_recurrence", "forward_float64", "Whh_f = Whh_b = 0", zeroed("Whh_f", "Whh_b")),
    Probe("same_weights", "forward_float64", "the backward weights equal to the forward ones", _same_weights),
    Probe("permuted_batch", "forward_float64", "the batch's columns in reverse order", _reversed_columns,
          relation=_columns_reversed_back),
    Probe("weights_twice", "forward_float64", "the weights replaced between two passes", _weights_twice,
          call="birnn_forward_twice", relation=_unchanged),
)


def _wrong(e):
    return e.part("outputs") is False or e.part("forward_states") is False or e.part("backward_states") is False


FINDINGS = (
    Finding("outputs_only",
            "every hidden state is right, the outputs are not: outputs[t] = Why hiddens[t] + by, linear (no "
            "softmax or tanh on top), with the whole (O, 2H) Why and the bias by",
            lambda e: e.part("forward_states") and e.part("backward_states") and e.part("outputs") is False),
    Finding("states_wrong_readout_right",
            "outputs[t] = Why hiddens[t] + by holds for your own states: the read-out is right, the states are not",
            lambda e: e.part("readout") and (e.part("forward_states") is False or e.part("backward_states") is False)),
    Finding("backward_wrong",
            "the forward states are right, the backward ones are wrong: the backward RNN reads x[T-1] first, "
            "starts from hb[T] = 0, has its own Wxh_b, Whh_b, bh_b, and hiddens[t] pairs hf[t] with hb[t] of the "
            "same step",
            lambda e: e.part("forward_states") and e.part("backward_states") is False),
    Finding("forward_wrong",
            "the backward states are right, the forward ones are wrong: hf[t] = tanh(Wxh_f x[t] + Whh_f hf[t-1] + "
            "bh_f) from hf[-1] = 0, one state per step t (reading x[t])",
            lambda e: e.part("backward_states") and e.part("forward_states") is False),
    Finding("forward_recurrence",
            "the forward state at t = 0 is right, the later ones are not: what changes after t = 0 is wrong, the "
            "state carried over (Whh_f hf[t-1]) or the input read at step t (x[t])",
            lambda e: e.part("forward_first") and e.part("forward_states") is False),
    Finding("backward_recurrence",
            "the backward state at t = T-1 (its first step) is right, the others are not: the state carried over "
            "(Whh_b hb[t+1]), the input read at step t, or the order its states are stored in is wrong",
            lambda e: e.part("backward_first") and e.part("backward_states") is False),
    Finding("recurrence_over_time",
            "with one time step your RNN is right, with several it is not: what links the time steps is wrong (the "
            "states carried over, the time order, the input read at each step)",
            lambda e: _wrong(e) and e.probe("one_step")),
    Finding("recurrent_term",
            "with Whh_f = Whh_b = 0 your RNN is right: the mistake is in a term with Whh (Whh h, a transpose, the "
            "state each direction starts from)",
            lambda e: _wrong(e) and e.probe("no_recurrence") and not e.probe("one_step")),
    Finding("direction_weights",
            "with the backward weights equal to the forward ones your RNN is right: the backward direction uses "
            "(some of) the forward weights; it has its own Wxh_b, Whh_b, bh_b",
            lambda e: _wrong(e) and e.probe("same_weights")),
    Finding("bias_wrong", "with every bias 0 your RNN is right: a bias is missing or misplaced",
            lambda e: _wrong(e) and e.probe("zero_biases") and not any(
                e.probe(p) for p in ("no_forward_bias", "no_backward_bias", "no_output_bias"))),
    Finding("forward_bias_wrong", "with bh_f = 0 your RNN is right: the forward bias bh_f is missing or misplaced",
            lambda e: _wrong(e) and e.probe("no_forward_bias")),
    Finding("backward_bias_wrong", "with bh_b = 0 your RNN is right: the backward bias bh_b is missing or misplaced",
            lambda e: _wrong(e) and e.probe("no_backward_bias")),
    Finding("output_bias_wrong", "with by = 0 your RNN is right: the output bias by is missing or misplaced",
            lambda e: _wrong(e) and e.probe("no_output_bias")),
    Finding("batch_mixed",
            "your result for one column depends on the other columns (reversing the batch does not just reverse "
            "the results): a sum, a mean or a broadcast runs over the batch axis",
            lambda e: e.probe("permuted_batch") is False),
    Finding("weights_kept",
            "a model that already ran with other weights gives another result than a fresh one: read the weights "
            "at every call (do not copy or stack them once)",
            lambda e: e.probe("weights_twice") is False),
)
