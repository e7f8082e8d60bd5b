"""The exercise exercises/gru.py: GRUCell.forward (PyTorch's convention, gate blocks r, z, n)."""

import numpy as np

from seqlab.grading.exercises.gru.feedback import FINDINGS, PARTS, PROBES
from seqlab.grading.spec import Check, Exercise, mistakes, normal


def _weights(rng, I, H, dtype):
    # Non-zero biases in both b_ih and b_hh: b_hn sits inside the reset product, so its place matters.
    return {"W_ih": normal(rng, (3 * H, I), 0.6, dtype), "W_hh": normal(rng, (3 * H, H), 0.6, dtype),
            "b_ih": normal(rng, (3 * H, 1), 0.5, dtype), "b_hh": normal(rng, (3 * H, 1), 0.5, dtype)}


def _step(I, H, B, dtype=np.float64, zero_state=False):
    def build(rng):
        arrays = _weights(rng, I, H, dtype)
        arrays["x"] = normal(rng, (I, B), 1.0, dtype)
        h_prev = normal(rng, (H, B), 0.8, dtype)
        arrays["h_prev"] = np.zeros_like(h_prev) if zero_state else h_prev
        return arrays, {"input_size": I, "hidden_size": H}
    return build


def _sequence(I, H, B, T):
    def build(rng):
        arrays = _weights(rng, I, H, np.float64)
        arrays["inputs"] = normal(rng, (T, I, B))  # T column blocks (I, B)
        arrays["h0"] = normal(rng, (H, B), 0.5)
        return arrays, {"input_size": I, "hidden_size": H}
    return build


NAME = "gru"

MISTAKES = mistakes(
    NAME,
    ("update_reversed",
     "your update gate looks reversed: you computed h' = z*n + (1-z)*h; the convention here "
     "(PyTorch's) is h' = (1-z)*n + z*h"),
    ("reset_before_matmul",
     "the reset gate is applied before W_hn: n = tanh(W_in x + b_in + W_hn (r*h) + b_hn) is the "
     "original paper's form; PyTorch's is n = tanh(W_in x + b_in + r*(W_hn h + b_hn))"),
    ("b_hn_outside_reset", "b_hn sits outside the reset product; it belongs inside: r * (W_hn h + b_hn)"),
    ("blocks_zrn",
     "the gate blocks are read in the wrong order (z, r, n); rows of W_ih, W_hh, b_ih, b_hh are "
     "stacked r, z, n"),
    ("blocks_nzr",
     "the gate blocks are read in the wrong order; rows are stacked r, z, n (r = rows 0:H, z = H:2H, n"
     " = 2H:3H)"),
    ("blocks_rnz", "the z and n blocks are swapped; rows are stacked r, z, n"),
    ("blocks_znr", "the gate blocks are read in the wrong order (z, n, r); rows are stacked r, z, n"),
    ("blocks_nrz", "the gate blocks are read in the wrong order (n, r, z); rows are stacked r, z, n"),
    ("reset_not_applied", "the reset gate is never applied: n must use r * (W_hn h + b_hn)"),
    ("candidate_sigmoid", "the candidate n uses sigmoid; it is tanh (so it can be negative)"),
    ("candidate_linear", "the candidate n has no tanh: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))"),
    ("update_uses_reset", "the new state mixes with the reset gate r; the update gate z does that: h' = (1-z)*n + z*h"),
    ("gates_tanh", "the gates r and z use tanh; gates are sigmoids (values in (0, 1))"),
    ("gates_ignore_hidden",
     "the gates r and z ignore the previous state: each is sigmoid(W_i. x + b_i. + W_h. h + b_h.), "
     "hidden side included"),
    ("biases_ignored", "the biases are missing: both b_ih and b_hh belong in the gates and the candidate"),
    ("b_ih_ignored", "the input-side biases b_ih are missing"),
    ("b_hh_ignored", "the hidden-side biases b_hh are missing"),
    ("gates_returned_zrn", "the gates are returned as (z, r, n); return them as (r, z, n)"),
)

EXERCISE = Exercise(
    name=NAME,
    position=3,
    title="GRU cell",
    api=("GRUCell",),
    checks=(
        Check("step_float64", 8, "gru_step", "one step, I=4, H=3, B=5, non-zero state, float64", _step(4, 3, 5)),
        Check("step_float32", 5, "gru_step", "one step in float32", _step(4, 3, 5, np.float32)),
        Check("step_zero_state", 3, "gru_step", "one step from h_prev = 0, I=6, H=2, B=2", _step(6, 2, 2, zero_state=True)),
        Check("sequence", 6, "gru_sequence", "T=5 steps, each state fed back, I=3, H=4, B=2", _sequence(3, 4, 2, 5)),
        Check("step_batch_one", 3, "gru_step", "one step with B=1, I=2, H=5", _step(2, 5, 1)),
    ),
    mistakes=MISTAKES,
    parts=PARTS,
    probes=PROBES,
    findings=FINDINGS,
)
