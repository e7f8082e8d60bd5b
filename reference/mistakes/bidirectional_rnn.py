"""Known mistakes in BidirectionalRNN.forward."""

from types import SimpleNamespace

import numpy as np

from reference.bidirectional_rnn import BidirectionalRNN as Right
from reference.mistakes import Mistake


def _variant(*, rereverse=True, order="fb", shared=False, backward_reversed=True, h0_from_forward=False,
             forward_only_output=False, backward_bias=True, output_bias=True, transpose_whh=False,
             activation=np.tanh, shifted=False, wrapped=False, states_lag=False):
    """A BidirectionalRNN whose forward makes exactly the named mistakes."""

    class Wrong(Right):
        def forward(self, inputs):
            T = len(inputs)
            H, B = self.hidden_size, inputs[0].shape[1]
            Wxh_b, Whh_b, bh_b = (self.Wxh_f, self.Whh_f, self.bh_f) if shared else (self.Wxh_b, self.Whh_b, self.bh_b)
            Whh_f = self.Whh_f.T if transpose_whh else self.Whh_f
            Whh_b = Whh_b.T if transpose_whh else Whh_b
            if not backward_bias:
                bh_b = 0.0
            h = np.zeros((H, B))
            hf = []
            for t in range(T):
                x = inputs[t - 1] if (shifted and t > 0) or wrapped else inputs[t]
                h = activation(self.Wxh_f @ x + Whh_f @ h + self.bh_f)
                hf.append(h)
            h = hf[-1] if h0_from_forward else np.zeros((H, B))
            hb = []  # in processing order
            for t in (reversed(range(T)) if backward_reversed else range(T)):
                h = activation(Wxh_b @ inputs[t] + Whh_b @ h + bh_b)
                hb.append(h)
            if backward_reversed and rereverse:
                hb = hb[::-1]  # back to time order
            if states_lag:  # the forward list starts with h0 = 0, as SimpleRNN.forward's hiddens do
                hf = [np.zeros((H, B))] + hf[:-1]
            hiddens = [np.vstack([hf[t], hb[t]] if order == "fb" else [hb[t], hf[t]]) for t in range(T)]
            by = self.by if output_bias else 0.0
            if forward_only_output:
                outputs = [self.Why[:, :H] @ hf[t] + by for t in range(T)]
            else:
                outputs = [self.Why @ ht + by for ht in hiddens]
            return outputs, hiddens

    return SimpleNamespace(BidirectionalRNN=Wrong)


MISTAKES = [
    Mistake("not_rereversed", "the backward states are in processing order (hb[T-1] first); reverse them back "
            "so that hiddens[t] pairs hf[t] with hb[t] of the same time step", _variant(rereverse=False)),
    Mistake("concat_swapped", "the concatenation order is swapped: hiddens[t] must be vstack(hf[t], hb[t]) "
            "(forward on top), matching Why's column blocks", _variant(order="bf")),
    Mistake("shared_weights", "both directions use the forward weights; the backward direction has its own "
            "Wxh_b, Whh_b, bh_b", _variant(shared=True)),
    Mistake("backward_not_reversed", "the 'backward' RNN also reads the sequence left to right; it must start "
            "at x[T-1] with hb[T] = 0 and move to x[0]", _variant(backward_reversed=False)),
    Mistake("backward_starts_from_forward", "the backward direction starts from the forward direction's last "
            "state; each direction starts from zeros (hb[T] = 0)", _variant(h0_from_forward=True)),
    Mistake("output_forward_only", "the outputs use only the forward states; outputs[t] = Why [hf[t]; hb[t]] + by "
            "with the full (O, 2H) Why", _variant(forward_only_output=True)),
    Mistake("backward_bias_missing", "the backward direction leaves out its bias bh_b", _variant(backward_bias=False)),
    Mistake("output_bias_missing", "the outputs leave out the bias by: outputs[t] = Why hiddens[t] + by",
            _variant(output_bias=False)),
    Mistake("whh_transposed", "the recurrent weights are transposed (Whh.T @ h); weights are (out, in): "
            "Whh @ h", _variant(transpose_whh=True)),
    Mistake("no_tanh", "the tanh nonlinearity is missing from the state update", _variant(activation=lambda a: a)),
    Mistake("forward_off_by_one", "the forward direction reads x[t-1] at step t (an off-by-one in time)",
            _variant(shifted=True)),
    Mistake("forward_reads_previous_input", "an off-by-one in time: the forward direction reads x[t-1] at step t "
            "(inputs[t-1] wraps around to x[T-1] at t=0); step t reads x[t]", _variant(wrapped=True)),
    Mistake("forward_states_lag", "an off-by-one in time: hiddens[t] pairs the forward state of step t-1 "
            "with the backward state of step t (a state list that starts with h0 = 0 is one step behind); use "
            "hf[t], the state after reading x[t]", _variant(states_lag=True)),
]
