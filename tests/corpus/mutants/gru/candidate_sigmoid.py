"""the candidate n uses sigmoid instead of tanh.
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        self.W_ih = rng.standard_normal((3 * hidden_size, input_size)) * 0.01
        self.W_hh = rng.standard_normal((3 * hidden_size, hidden_size)) * 0.01
        self.b_ih = np.zeros((3 * hidden_size, 1))
        self.b_hh = np.zeros((3 * hidden_size, 1))
        self.hidden_size = hidden_size

    def forward(self, x, h_prev):
        H = self.hidden_size
        gates_x = self.W_ih @ x + self.b_ih
        gates_h = self.W_hh @ h_prev + self.b_hh
        r = sigmoid(gates_x[0:H] + gates_h[0:H])
        z = sigmoid(gates_x[H:2 * H] + gates_h[H:2 * H])
        n = sigmoid(gates_x[2 * H:3 * H] + r * gates_h[2 * H:3 * H])
        h_new = (1 - z) * n + z * h_prev
        return h_new, (r, z, n)
