"""Known mistakes in GRUCell.forward, as switches of one parameterised GRU cell.

``variant(**switches)`` is the reference GRU with any combination of the switches below flipped; ``SWITCHES``
gives, for every mistake key of the spec, the switch values that make exactly that mistake. Two mistakes that set
the same switch (two gate orders, two reset placements) cannot be combined.
"""

from types import SimpleNamespace

import numpy as np

from reference.activations import sigmoid
from reference.gru import GRUCell as Right


def _linear(a):
    return a


def variant(*, order="rzn", update="torch", reset="torch", candidate=np.tanh, gate=sigmoid, hidden_in_gates=True,
            b_ih_used=True, b_hh_used=True, gates_returned="rzn", update_gate="z"):
    """A GRUCell whose forward makes exactly the mistakes the switches name.

        r = gate(W_ir x + b_ir + W_hr h + b_hr)     z likewise        (rows of each block read in `order`)
        n = candidate(W_in x + b_in + <reset>)      reset: "torch" r * (W_hn h + b_hn); "before_matmul"
                                                    W_hn (r * h) + b_hn; "b_hn_outside" r * (W_hn h) + b_hn;
                                                    "none" W_hn h + b_hn
        h' = (1 - z) * n + z * h  ("torch")  or  z * n + (1 - z) * h  ("reversed")
    update_gate: the gate used where z belongs in h' ("r": the reset gate mixes the new state).
    """

    class Wrong(Right):
        def __init__(self, input_size, hidden_size, rng=None):
            self.hidden_size = hidden_size  # no random weights: the grader's calls always set them

        def forward(self, x, h_prev):
            H = self.hidden_size
            blocks = {name: slice(k * H, (k + 1) * H) for k, name in enumerate(order)}
            W_ih, W_hh = self.W_ih, self.W_hh
            b_ih = self.b_ih if b_ih_used else np.zeros_like(self.b_ih)
            b_hh = self.b_hh if b_hh_used else np.zeros_like(self.b_hh)

            def side(W, v, b, g):
                return W[blocks[g]] @ v + b[blocks[g]]  # (H, B)

            if hidden_in_gates:
                r = gate(side(W_ih, x, b_ih, "r") + side(W_hh, h_prev, b_hh, "r"))
                z = gate(side(W_ih, x, b_ih, "z") + side(W_hh, h_prev, b_hh, "z"))
            else:  # the whole hidden side (W_h. h + b_h.) left out of the gates
                r = gate(side(W_ih, x, b_ih, "r"))
                z = gate(side(W_ih, x, b_ih, "z"))
            W_hn, b_hn = W_hh[blocks["n"]], b_hh[blocks["n"]]
            if reset == "before_matmul":
                hn = W_hn @ (r * h_prev) + b_hn
            elif reset == "b_hn_outside":
                hn = r * (W_hn @ h_prev) + b_hn
            elif reset == "none":
                hn = W_hn @ h_prev + b_hn
            else:
                hn = r * (W_hn @ h_prev + b_hn)
            n = candidate(side(W_ih, x, b_ih, "n") + hn)
            u = {"r": r, "z": z}[update_gate]  # the gate that mixes the new state
            h = u * n + (1 - u) * h_prev if update == "reversed" else (1 - u) * n + u * h_prev
            named = {"r": r, "z": z, "n": n}
            return h, tuple(named[g] for g in gates_returned)

    return SimpleNamespace(GRUCell=Wrong)


# For each mistake key of the spec (seqlab/grading/exercises/gru/): the switches that make it.
SWITCHES = {
    "update_reversed": {"update": "reversed"},
    "reset_before_matmul": {"reset": "before_matmul"},
    "b_hn_outside_reset": {"reset": "b_hn_outside"},
    "blocks_zrn": {"order": "zrn"},
    "blocks_nzr": {"order": "nzr"},
    "blocks_rnz": {"order": "rnz"},
    "blocks_znr": {"order": "znr"},
    "blocks_nrz": {"order": "nrz"},
    "reset_not_applied": {"reset": "none"},
    "candidate_sigmoid": {"candidate": sigmoid},
    "candidate_linear": {"candidate": _linear},
    "update_uses_reset": {"update_gate": "r"},
    "gates_tanh": {"gate": np.tanh},
    "gates_ignore_hidden": {"hidden_in_gates": False},
    "biases_ignored": {"b_ih_used": False, "b_hh_used": False},
    "b_ih_ignored": {"b_ih_used": False},
    "b_hh_ignored": {"b_hh_used": False},
    "gates_returned_zrn": {"gates_returned": "zrn"},
}
