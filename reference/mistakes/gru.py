"""Known mistakes in GRUCell.forward."""

from types import SimpleNamespace

import numpy as np

from reference.activations import sigmoid
from reference.gru import GRUCell as Right
from reference.mistakes import Mistake


def _variant(*, order="rzn", update_reversed=False, reset_before_matmul=False, b_hn_outside=False,
             candidate=np.tanh, gate=sigmoid, reset_used=True, hidden_in_gates=True, b_hh_used=True,
             gates_returned="rzn"):
    """A GRUCell whose forward makes exactly the named mistakes."""

    class Wrong(Right):
        def forward(self, x, h_prev):
            H = self.hidden_size
            blocks = {name: slice(k * H, (k + 1) * H) for k, name in enumerate(order)}
            W_ih, W_hh, b_ih = self.W_ih, self.W_hh, self.b_ih
            b_hh = self.b_hh if b_hh_used else np.zeros_like(self.b_hh)

            def side(W, v, b, g):
                return W[blocks[g]] @ v + b[blocks[g]]

            if hidden_in_gates:
                r = gate(side(W_ih, x, b_ih, "r") + side(W_hh, h_prev, b_hh, "r"))
                z = gate(side(W_ih, x, b_ih, "z") + side(W_hh, h_prev, b_hh, "z"))
            else:  # the whole hidden side (W_h. h + b_h.) left out of the gates
                r = gate(side(W_ih, x, b_ih, "r"))
                z = gate(side(W_ih, x, b_ih, "z"))
            reset = r if reset_used else 1.0
            if reset_before_matmul:
                hn = W_hh[blocks["n"]] @ (reset * h_prev) + b_hh[blocks["n"]]
            elif b_hn_outside:
                hn = reset * (W_hh[blocks["n"]] @ h_prev) + b_hh[blocks["n"]]
            else:
                hn = reset * side(W_hh, h_prev, b_hh, "n")
            n = candidate(side(W_ih, x, b_ih, "n") + hn)
            h = z * n + (1 - z) * h_prev if update_reversed else (1 - z) * n + z * h_prev
            named = {"r": r, "z": z, "n": n}
            return h, tuple(named[g] for g in gates_returned)

    return SimpleNamespace(GRUCell=Wrong)


MISTAKES = [
    Mistake("update_reversed", "your update gate looks reversed: you computed h' = z*n + (1-z)*h; the "
            "convention here (PyTorch's) is h' = (1-z)*n + z*h", _variant(update_reversed=True)),
    Mistake("reset_before_matmul", "the reset gate is applied before W_hn: n = tanh(W_in x + b_in + W_hn (r*h) "
            "+ b_hn) is the original paper's form; PyTorch's is n = tanh(W_in x + b_in + r*(W_hn h + b_hn))",
            _variant(reset_before_matmul=True)),
    Mistake("b_hn_outside_reset", "b_hn sits outside the reset product; it belongs inside: r * (W_hn h + b_hn)",
            _variant(b_hn_outside=True)),
    Mistake("blocks_zrn", "the gate blocks are read in the wrong order (z, r, n); rows of W_ih, W_hh, b_ih, "
            "b_hh are stacked r, z, n", _variant(order="zrn")),
    Mistake("blocks_nzr", "the gate blocks are read in the wrong order; rows are stacked r, z, n "
            "(r = rows 0:H, z = H:2H, n = 2H:3H)", _variant(order="nzr")),
    Mistake("blocks_rnz", "the z and n blocks are swapped; rows are stacked r, z, n", _variant(order="rnz")),
    Mistake("reset_not_applied", "the reset gate is never applied: n must use r * (W_hn h + b_hn)",
            _variant(reset_used=False)),
    Mistake("candidate_sigmoid", "the candidate n uses sigmoid; it is tanh (so it can be negative)",
            _variant(candidate=sigmoid)),
    Mistake("gates_tanh", "the gates r and z use tanh; gates are sigmoids (values in (0, 1))",
            _variant(gate=np.tanh)),
    Mistake("gates_ignore_hidden", "the gates r and z ignore the previous state: each is sigmoid(W_i. x + "
            "b_i. + W_h. h + b_h.), hidden side included", _variant(hidden_in_gates=False)),
    Mistake("b_hh_ignored", "the hidden-side biases b_hh are missing", _variant(b_hh_used=False)),
    Mistake("gates_returned_zrn", "the gates are returned as (z, r, n); return them as (r, z, n)",
            _variant(gates_returned="zrn")),
]
