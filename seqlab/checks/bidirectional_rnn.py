"""Checks for exercises/bidirectional_rnn.py: BidirectionalRNN.forward."""

import numpy as np

from seqlab.checks import Check, Exercise, normal


def _forward(I, H, O, B, T, dtype=np.float64):
    """Random weights and non-zero biases; backward weights differ from forward ones so that mixing the
    two directions up is visible."""
    def build(rng):
        arrays = {
            "Wxh_f": normal(rng, (H, I), 0.5, dtype), "Whh_f": normal(rng, (H, H), 0.4, dtype),
            "bh_f": normal(rng, (H, 1), 0.3, dtype),
            "Wxh_b": normal(rng, (H, I), 0.5, dtype), "Whh_b": normal(rng, (H, H), 0.4, dtype),
            "bh_b": normal(rng, (H, 1), 0.3, dtype),
            "Why": normal(rng, (O, 2 * H), 0.5, dtype), "by": normal(rng, (O, 1), 0.3, dtype),
            "inputs": normal(rng, (T, I, B), 1.0, dtype),  # T column blocks x_t: (I, B)
        }
        return arrays, {"input_size": I, "hidden_size": H, "output_size": O}
    return build


EXERCISE = Exercise(
    name="bidirectional_rnn",
    title="Bidirectional RNN",
    api=("BidirectionalRNN",),
    checks=(
        Check("forward_float64", 10, "birnn_forward", "I=3, H=5, O=2, B=4, T=6 in float64", _forward(3, 5, 2, 4, 6)),
        Check("forward_float32", 5, "birnn_forward", "the same sizes in float32", _forward(3, 5, 2, 4, 6, np.float32)),
        Check("forward_long", 5, "birnn_forward", "T=12, B=2: states travel the whole sequence", _forward(4, 3, 5, 2, 12)),
        Check("forward_wide_input", 3, "birnn_forward", "I=7, H=2, O=4, B=3, T=3", _forward(7, 2, 4, 3, 3)),
        Check("forward_single_step", 2, "birnn_forward", "T=1: both directions see one input", _forward(3, 4, 2, 3, 1)),
    ),
)
