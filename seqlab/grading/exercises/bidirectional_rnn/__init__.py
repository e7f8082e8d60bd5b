"""The exercise exercises/bidirectional_rnn.py: BidirectionalRNN.forward."""

import numpy as np

from seqlab.grading.exercises.bidirectional_rnn.feedback import FINDINGS, PARTS, PROBES
from seqlab.grading.spec import Check, Exercise, mistakes, normal


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


NAME = "bidirectional_rnn"

MISTAKES = mistakes(
    NAME,
    ("not_rereversed",
     "the backward states are in processing order (hb[T-1] first); reverse them back so that "
     "hiddens[t] pairs hf[t] with hb[t] of the same time step"),
    ("concat_swapped",
     "the concatenation order is swapped: hiddens[t] must be vstack(hf[t], hb[t]) (forward on top), "
     "matching Why's column blocks"),
    ("shared_weights", "both directions use the forward weights; the backward direction has its own Wxh_b, Whh_b, bh_b"),
    ("backward_not_reversed",
     "the 'backward' RNN also reads the sequence left to right; it must start at x[T-1] with hb[T] = 0"
     " and move to x[0]"),
    ("backward_starts_from_forward",
     "the backward direction starts from the forward direction's last state; each direction starts "
     "from zeros (hb[T] = 0)"),
    ("output_forward_only",
     "the outputs use only the forward states; outputs[t] = Why [hf[t]; hb[t]] + by with the full (O, "
     "2H) Why"),
    ("readout_halves_swapped",
     "the outputs apply Why's forward columns to hb and its backward columns to hf; outputs[t] = Why[:, :H] "
     "hf[t] + Why[:, H:] hb[t] + by (= Why hiddens[t] + by)"),
    ("forward_bias_missing", "the forward direction leaves out its bias bh_f"),
    ("backward_bias_missing", "the backward direction leaves out its bias bh_b"),
    ("output_bias_missing", "the outputs leave out the bias by: outputs[t] = Why hiddens[t] + by"),
    ("whh_transposed", "the recurrent weights are transposed (Whh.T @ h); weights are (out, in): Whh @ h"),
    ("no_tanh", "the tanh nonlinearity is missing from the state update"),
    ("relu_activation", "the states use ReLU; the state update is tanh(Wxh x[t] + Whh h + bh)"),
    ("sigmoid_activation", "the states use sigmoid; the state update is tanh(Wxh x[t] + Whh h + bh)"),
    ("directions_swapped",
     "the directions are swapped: the forward weights (_f) read the sequence right to left and the backward ones "
     "(_b) left to right; hf uses Wxh_f, Whh_f, bh_f from x[0] on, hb uses the _b weights from x[T-1] back"),
    ("forward_off_by_one", "the forward direction reads x[t-1] at step t (an off-by-one in time)"),
    ("forward_reads_previous_input",
     "an off-by-one in time: the forward direction reads x[t-1] at step t (inputs[t-1] wraps around to"
     " x[T-1] at t=0); step t reads x[t]"),
    ("forward_states_lag",
     "an off-by-one in time: hiddens[t] pairs the forward state of step t-1 with the backward state of"
     " step t (a state list that starts with h0 = 0 is one step behind); use hf[t], the state after "
     "reading x[t]"),
    ("output_softmax",
     "the outputs go through a softmax; they are linear scores (logits): outputs[t] = Why hiddens[t] + by"),
    ("output_tanh", "the outputs go through tanh; they are linear: outputs[t] = Why hiddens[t] + by"),
    ("output_sigmoid", "the outputs go through a sigmoid; they are linear: outputs[t] = Why hiddens[t] + by"),
)

EXERCISE = Exercise(
    name=NAME,
    position=2,
    title="Bidirectional RNN",
    api=("BidirectionalRNN",),
    checks=(
        Check("forward_float64", 10, "birnn_forward", "I=3, H=5, O=2, B=4, T=6 in float64", _forward(3, 5, 2, 4, 6)),
        Check("forward_float32", 5, "birnn_forward", "the same sizes in float32", _forward(3, 5, 2, 4, 6, np.float32)),
        Check("forward_long", 5, "birnn_forward", "T=12, B=2: states travel the whole sequence", _forward(4, 3, 5, 2, 12)),
        Check("forward_wide_input", 3, "birnn_forward", "I=7, H=2, O=4, B=3, T=3", _forward(7, 2, 4, 3, 3)),
        Check("forward_single_step", 2, "birnn_forward", "T=1: both directions see one input", _forward(3, 4, 2, 3, 1)),
    ),
    mistakes=MISTAKES,
    parts=PARTS,
    probes=PROBES,
    findings=FINDINGS,
)
