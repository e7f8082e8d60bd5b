"""Exercise 3: a GRU cell (PyTorch's convention, as in torch.nn.GRUCell).

The LSTM fights vanishing gradients with a separate cell state and three gates (input, forget, output). The
GRU (Cho et al., 2014) gets most of the benefit with less: no cell state, and two gates.

Two variants exist. Cho et al.'s GRU (and d2l's) applies the reset gate to the state BEFORE the product,
n = tanh(W_in x + W_hn (r * h) + b_n); PyTorch's torch.nn.GRU / GRUCell (and Keras with reset_after=True) apply it
AFTER, n = tanh(W_in x + b_in + r * (W_hn h + b_hn)). This exercise asks for PyTorch's "reset-after" form.

- The update gate z decides, per unit, how much of the old state to keep: h' = (1 - z) * n + z * h. One gate
  does the work of the LSTM's forget gate (z) and input gate (1 - z) together, so keeping and writing are
  coupled. When z is close to 1, h' is close to h and the gradient flows back almost unchanged, as through
  the LSTM's cell state.
- The reset gate r decides how much of the old state goes into the candidate n, letting the cell forget the
  past when a new segment starts.

Compare the gates with the LSTM: 3 weight blocks instead of 4 (so about 3/4 of the parameters), no output gate
(the whole state is exposed), and no separate memory c.

Column-block conventions: x is (I, B), states are (H, B), weights are (out_features, in_features) and biases
(features, 1) broadcast over the batch B.
"""

import numpy as np


def sigmoid(x):
    """Numerically stable logistic sigmoid, elementwise: 1 / (1 + exp(-x)), keeping x's dtype.

    exp(-x) overflows for large negative x; with e = exp(-|x|) in (0, 1] the equal forms 1 / (1 + e) for x >= 0
    and e / (1 + e) for x < 0 never overflow.
    """
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class GRUCell:
    """One GRU step.

    Attributes (set by __init__, may be replaced by the caller, read at call time), each holding three row
    blocks of H rows, in the order r (reset), z (update), n (candidate):
    - W_ih: (3H, I) input weights [W_ir; W_iz; W_in].
    - W_hh: (3H, H) hidden weights [W_hr; W_hz; W_hn].
    - b_ih: (3H, 1) input biases [b_ir; b_iz; b_in].
    - b_hh: (3H, 1) hidden biases [b_hr; b_hz; b_hn].
    """

    def __init__(self, input_size, hidden_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        # Small random weights keep the gates near 0.5 and tanh near-linear at the start of training.
        self.W_ih = rng.standard_normal((3 * hidden_size, input_size)) * 0.01
        self.W_hh = rng.standard_normal((3 * hidden_size, hidden_size)) * 0.01
        self.b_ih = np.zeros((3 * hidden_size, 1))
        self.b_hh = np.zeros((3 * hidden_size, 1))
        self.hidden_size = hidden_size

    def forward(self, x, h_prev):
        """Compute the next hidden state.

            r  = sigmoid(W_ir x + b_ir + W_hr h_prev + b_hr)          reset gate     (H, B)
            z  = sigmoid(W_iz x + b_iz + W_hz h_prev + b_hz)          update gate    (H, B)
            n  = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn))       candidate      (H, B)
            h  = (1 - z) * n + z * h_prev                             new state      (H, B)

        Inputs:
        - x: array (I, B), float32 or float64.
        - h_prev: array (H, B), the previous hidden state.

        Returns a tuple of:
        - h: array (H, B), the new hidden state.
        - (r, z, n): the reset gate, update gate and candidate, each (H, B).
        Results have the dtype numpy gives when the inputs meet the weights. The inputs are not modified.

        Hint: each weight matrix stacks the three gates' rows, so one product per matrix serves all three
        gates; what differs between them is which rows you read. In the candidate, the reset gate scales the
        whole hidden-side term, its bias included, and nothing from the input side.
        """
        # YOUR CODE HERE
        raise NotImplementedError()
