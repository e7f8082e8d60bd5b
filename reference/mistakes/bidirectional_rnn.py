"""Known mistakes in BidirectionalRNN.forward."""

from types import SimpleNamespace

import numpy as np

from reference.bidirectional_rnn import BidirectionalRNN as Right


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


# What each known mistake computes, by the key its spec gives it (seqlab/grading/exercises/bidirectional_rnn/).
VARIANTS = {
    "not_rereversed": _variant(rereverse=False),
    "concat_swapped": _variant(order="bf"),
    "shared_weights": _variant(shared=True),
    "backward_not_reversed": _variant(backward_reversed=False),
    "backward_starts_from_forward": _variant(h0_from_forward=True),
    "output_forward_only": _variant(forward_only_output=True),
    "backward_bias_missing": _variant(backward_bias=False),
    "output_bias_missing": _variant(output_bias=False),
    "whh_transposed": _variant(transpose_whh=True),
    "no_tanh": _variant(activation=lambda a: a),
    "forward_off_by_one": _variant(shifted=True),
    "forward_reads_previous_input": _variant(wrapped=True),
    "forward_states_lag": _variant(states_lag=True),
}
