"""Known mistakes in GRUCell.forward."""

from types import SimpleNamespace

import numpy as np

from reference.activations import sigmoid
from reference.gru import GRUCell as Right


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


# What each known mistake computes, by the key its spec gives it (seqlab/grading/exercises/gru/).
VARIANTS = {
    "update_reversed": _variant(update_reversed=True),
    "reset_before_matmul": _variant(reset_before_matmul=True),
    "b_hn_outside_reset": _variant(b_hn_outside=True),
    "blocks_zrn": _variant(order="zrn"),
    "blocks_nzr": _variant(order="nzr"),
    "blocks_rnz": _variant(order="rnz"),
    "reset_not_applied": _variant(reset_used=False),
    "candidate_sigmoid": _variant(candidate=sigmoid),
    "gates_tanh": _variant(gate=np.tanh),
    "gates_ignore_hidden": _variant(hidden_in_gates=False),
    "b_hh_ignored": _variant(b_hh_used=False),
    "gates_returned_zrn": _variant(gates_returned="zrn"),
}
