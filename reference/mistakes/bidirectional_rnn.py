"""Known mistakes in BidirectionalRNN.forward, as switches of one parameterised bidirectional RNN.

``variant(**switches)`` is the reference with any combination of the switches flipped; ``SWITCHES`` gives, for
every mistake key of the spec, the switch values that make exactly that mistake. Two mistakes that set the same
switch (two time shifts, two read-out activations) cannot be combined.
"""

from types import SimpleNamespace

import numpy as np

from reference.bidirectional_rnn import BidirectionalRNN as Right


def _softmax_columns(y):
    e = np.exp(y - y.max(axis=0, keepdims=True))  # (O, B): one distribution per example
    return e / e.sum(axis=0, keepdims=True)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


OUTPUT_ACTIVATIONS = {"linear": lambda y: y, "softmax": _softmax_columns, "tanh": np.tanh, "sigmoid": _sigmoid}


def variant(*, rereverse=True, order="fb", shared=False, backward_reversed=True, h0_from_forward=False,
            readout="both", forward_bias=True, backward_bias=True, output_bias=True, transpose_whh=False,
            activation=np.tanh, input_shift="none", states_lag=False, output_activation="linear",
            directions_swapped=False):
    """A BidirectionalRNN whose forward makes exactly the mistakes the switches name.

        hf[t] = activation(Wxh_f x[t'] + Whh_f hf[t-1] + bh_f)   t' = t, or t-1 ("clamped" at 0 / "wrapped")
        hb[t] = activation(Wxh_b x[t] + Whh_b hb[t+1] + bh_b)     (the forward weights when `shared`)
        hiddens[t] = [hf[t]; hb[t]] ("fb") or [hb[t]; hf[t]];  outputs[t] = act(Why hiddens[t] + by)
    directions_swapped: the forward weights read right to left and the backward ones left to right.
    """

    class Wrong(Right):
        def __init__(self, input_size, hidden_size, output_size, rng=None):
            self.hidden_size = hidden_size  # no random weights: the grader's calls always set them

        def forward(self, inputs):
            T = len(inputs)
            H, B = self.hidden_size, inputs[0].shape[1]
            Wxh_f, Whh_f, bh_f = self.Wxh_f, self.Whh_f, self.bh_f
            Wxh_b, Whh_b, bh_b = (self.Wxh_f, self.Whh_f, self.bh_f) if shared else (self.Wxh_b, self.Whh_b, self.bh_b)
            if directions_swapped:
                (Wxh_f, Whh_f, bh_f), (Wxh_b, Whh_b, bh_b) = (Wxh_b, Whh_b, bh_b), (Wxh_f, Whh_f, bh_f)
            Whh_f = Whh_f.T if transpose_whh else Whh_f
            Whh_b = Whh_b.T if transpose_whh else Whh_b
            bh_f = bh_f if forward_bias else 0.0
            if not backward_bias:
                bh_b = 0.0
            h = np.zeros((H, B))
            hf = []
            for t in range(T):
                shifted = input_shift == "wrapped" or (input_shift == "clamped" and t > 0)
                x = inputs[t - 1] if shifted else inputs[t]
                h = activation(Wxh_f @ x + Whh_f @ h + bh_f)  # (H, B)
                hf.append(h)
            h = hf[-1] if h0_from_forward else np.zeros((H, B))
            hb = []  # in processing order
            for t in (reversed(range(T)) if backward_reversed else range(T)):
                h = activation(Wxh_b @ inputs[t] + Whh_b @ h + bh_b)  # (H, B)
                hb.append(h)
            if backward_reversed and rereverse:
                hb = hb[::-1]  # back to time order
            if states_lag:  # the forward list starts with h0 = 0, as SimpleRNN.forward's hiddens do
                hf = [np.zeros((H, B))] + hf[:-1]
            hiddens = [np.vstack([hf[t], hb[t]] if order == "fb" else [hb[t], hf[t]]) for t in range(T)]
            by = self.by if output_bias else 0.0
            act = OUTPUT_ACTIVATIONS[output_activation]
            if readout == "forward_only":
                outputs = [act(self.Why[:, :H] @ hf[t] + by) for t in range(T)]
            elif readout == "halves_swapped":  # Why's forward columns applied to hb and the other way round
                outputs = [act(self.Why[:, :H] @ hb[t] + self.Why[:, H:] @ hf[t] + by) for t in range(T)]
            else:
                outputs = [act(self.Why @ ht + by) for ht in hiddens]  # (O, B)
            return outputs, hiddens

    return SimpleNamespace(BidirectionalRNN=Wrong)


# For each mistake key of the spec (seqlab/grading/exercises/bidirectional_rnn/): the switches that make it.
SWITCHES = {
    "not_rereversed": {"rereverse": False},
    "concat_swapped": {"order": "bf"},
    "shared_weights": {"shared": True},
    "backward_not_reversed": {"backward_reversed": False},
    "backward_starts_from_forward": {"h0_from_forward": True},
    "output_forward_only": {"readout": "forward_only"},
    "readout_halves_swapped": {"readout": "halves_swapped"},
    "forward_bias_missing": {"forward_bias": False},
    "backward_bias_missing": {"backward_bias": False},
    "output_bias_missing": {"output_bias": False},
    "whh_transposed": {"transpose_whh": True},
    "no_tanh": {"activation": lambda a: a},
    "relu_activation": {"activation": lambda a: np.maximum(a, 0.0)},
    "sigmoid_activation": {"activation": _sigmoid},
    "directions_swapped": {"directions_swapped": True},
    "forward_off_by_one": {"input_shift": "clamped"},
    "forward_reads_previous_input": {"input_shift": "wrapped"},
    "forward_states_lag": {"states_lag": True},
    "output_softmax": {"output_activation": "softmax"},
    "output_tanh": {"output_activation": "tanh"},
    "output_sigmoid": {"output_activation": "sigmoid"},
}
