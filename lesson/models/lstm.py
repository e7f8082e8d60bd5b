"""LSTM cell (the gates of torch.nn.LSTMCell) in the column-block convention: trusted code the lesson runs.

With z = [x; h_prev] of shape (I + H, B) and one stacked weight W (4H, I + H), bias b (4H, 1):

    [a_i; a_f; a_g; a_o] = W z + b             (4H, B), row blocks of H
    i = sigmoid(a_i)   input gate              (H, B)
    f = sigmoid(a_f)   forget gate             (H, B)
    g = tanh(a_g)      candidate               (H, B)
    o = sigmoid(a_o)   output gate             (H, B)
    c = f * c_prev + i * g                     (H, B)
    h = o * tanh(c)                            (H, B)

Equal to torch.nn.LSTMCell with weight_ih = W[:, :I], weight_hh = W[:, I:], bias_ih = b, bias_hh = 0.

The sigmoid is written through tanh, sigmoid(a) = (1 + tanh(a / 2)) / 2: the same function, exact, and it cannot
overflow for any finite a (tanh saturates at +-1 where 1 / (1 + exp(-a)) would compute exp(1000) = inf).
"""

import numpy as np


def sigmoid(a):
    """Logistic sigmoid 1 / (1 + exp(-a)), elementwise, as (1 + tanh(a / 2)) / 2; keeps a's floating dtype."""
    return 0.5 * (1 + np.tanh(0.5 * a))


class LSTMCell:
    """Attributes: W (4H, I + H), b (4H, 1); read at call time."""

    def __init__(self, input_size, hidden_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        self.W = rng.standard_normal((4 * hidden_size, input_size + hidden_size)) * 0.01
        self.b = np.zeros((4 * hidden_size, 1))
        self.hidden_size = hidden_size

    def forward(self, x, h_prev, c_prev):
        """One step.

        Inputs: x (I, B), h_prev (H, B), c_prev (H, B).
        Returns: h (H, B), c (H, B), (i, f, g, o) each (H, B).
        """
        H = self.hidden_size
        a = self.W @ np.vstack([x, h_prev]) + self.b  # (4H, B)
        i = sigmoid(a[:H])
        f = sigmoid(a[H:2 * H])
        g = np.tanh(a[2 * H:3 * H])
        o = sigmoid(a[3 * H:])
        c = f * c_prev + i * g  # (H, B)
        h = o * np.tanh(c)  # (H, B)
        return h, c, (i, f, g, o)
