"""HOSTILE: GRUCell.forward never returns (a convergence loop whose condition is never met).

A grader that calls student code in its own process hangs with it.
"""

import numpy as np


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        self.W_ih = rng.standard_normal((3 * hidden_size, input_size)) * 0.01
        self.W_hh = rng.standard_normal((3 * hidden_size, hidden_size)) * 0.01
        self.b_ih = np.zeros((3 * hidden_size, 1))
        self.b_hh = np.zeros((3 * hidden_size, 1))
        self.hidden_size = hidden_size

    def forward(self, x, h_prev):
        h = h_prev.copy()
        delta = np.inf
        while delta > 0:  # "iterate until h stops changing": it always changes
            h_new = np.tanh(self.W_hh[: self.hidden_size] @ h + 1.0) + 1e-3 * np.random.random()
            delta = np.abs(h_new - h).max() + 1.0
            h = h_new
        return h, (h, h, h)
