"""Checks for exercises/gru.py: GRUCell.forward (PyTorch's convention, gate blocks r, z, n)."""

import numpy as np

from seqlab.checks import Check, Exercise, normal


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


EXERCISE = Exercise(
    name="gru",
    title="GRU cell",
    api=("GRUCell",),
    checks=(
        Check("step_float64", 8, "gru_step", "one step, I=4, H=3, B=5, non-zero state, float64", _step(4, 3, 5)),
        Check("step_float32", 5, "gru_step", "one step in float32", _step(4, 3, 5, np.float32)),
        Check("step_zero_state", 3, "gru_step", "one step from h_prev = 0, I=6, H=2, B=2", _step(6, 2, 2, zero_state=True)),
        Check("sequence", 6, "gru_sequence", "T=5 steps, each state fed back, I=3, H=4, B=2", _sequence(3, 4, 2, 5)),
        Check("step_batch_one", 3, "gru_step", "one step with B=1, I=2, H=5", _step(2, 5, 1)),
    ),
)
