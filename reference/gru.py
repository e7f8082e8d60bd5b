"""GRU cell, PyTorch's convention (torch.nn.GRUCell), in the column-block convention.

W_ih (3H, I), W_hh (3H, H), b_ih (3H, 1), b_hh (3H, 1), row blocks r, z, n of H rows each:

    r  = sigmoid(W_ir x + b_ir + W_hr h + b_hr)        reset gate   (H, B)
    z  = sigmoid(W_iz x + b_iz + W_hz h + b_hz)        update gate  (H, B)
    n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))     candidate    (H, B)
    h' = (1 - z) * n + z * h                                        (H, B)

The reset gate multiplies (W_hn h + b_hn), bias included: that is torch's form (Cho et al. reset h first).
"""

import numpy as np

from .activations import sigmoid


class GRUCell:
    """Attributes: W_ih (3H, I), W_hh (3H, H), b_ih (3H, 1), b_hh (3H, 1); read at call time."""

    def __init__(self, input_size, hidden_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        self.W_ih = rng.standard_normal((3 * hidden_size, input_size)) * 0.01
        self.W_hh = rng.standard_normal((3 * hidden_size, hidden_size)) * 0.01
        self.b_ih = np.zeros((3 * hidden_size, 1))
        self.b_hh = np.zeros((3 * hidden_size, 1))
        self.hidden_size = hidden_size

    def forward(self, x, h_prev):
        """One step.

        Inputs: x (I, B), h_prev (H, B).
        Returns: h (H, B), (r, z, n) each (H, B).
        """
        H = self.hidden_size
        gi = self.W_ih @ x + self.b_ih  # (3H, B): input side of all three blocks
        gh = self.W_hh @ h_prev + self.b_hh  # (3H, B): hidden side, kept apart because r scales only its n block
        r = sigmoid(gi[:H] + gh[:H])
        z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        h = (1 - z) * n + z * h_prev  # (H, B)
        return h, (r, z, n)
