"""Exercise 2: a bidirectional RNN.

A SimpleRNN reads left to right, so its state h_t at position t has seen only x_0 .. x_t. Yet the words after
a position often decide what it means ("the bank of the river" vs "the bank raised rates"). A bidirectional
RNN runs two independent RNNs, one forwards and one backwards over the same sequence, and stacks their states:
every position then summarises the whole sequence, left context on top and right context below.

The benefit: each output sees both sides (tagging, classification, encoding). The price: the whole sequence must
be known before the first output exists, and the work doubles. What that rules out is the written question.

Column-block conventions: x[t] is (I, B), states are (H, B), weights are (out_features, in_features) and biases
(features, 1) broadcast over the batch B.
"""

import numpy as np


class BidirectionalRNN:
    """Two tanh RNNs, forward (_f) and backward (_b), and a linear read-out of their stacked states.

    Attributes (set by __init__, may be replaced by the caller, read at call time):
    - Wxh_f, Wxh_b: (H, I) input-to-hidden weights.
    - Whh_f, Whh_b: (H, H) hidden-to-hidden weights.
    - bh_f, bh_b: (H, 1) hidden biases.
    - Why: (O, 2H) read-out weights; by: (O, 1) read-out bias.
    """

    def __init__(self, input_size, hidden_size, output_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        H = hidden_size
        # Small random weights keep tanh in its near-linear range at the start of training.
        self.Wxh_f = rng.standard_normal((H, input_size)) * 0.01
        self.Whh_f = rng.standard_normal((H, H)) * 0.01
        self.bh_f = np.zeros((H, 1))
        self.Wxh_b = rng.standard_normal((H, input_size)) * 0.01
        self.Whh_b = rng.standard_normal((H, H)) * 0.01
        self.bh_b = np.zeros((H, 1))
        self.Why = rng.standard_normal((output_size, 2 * H)) * 0.01
        self.by = np.zeros((output_size, 1))
        self.hidden_size = hidden_size

    def forward(self, inputs):
        """Run the forward RNN left to right, the backward RNN right to left, and read out every position.

            hf[t] = tanh(Wxh_f x[t] + Whh_f hf_prev + bh_f),  hf_prev = hf[t-1], zeros at t = 0        (H, B)
            hb[t] = tanh(Wxh_b x[t] + Whh_b hb_next + bh_b),  hb_next = hb[t+1], zeros at t = T-1      (H, B)
            hiddens[t] = [hf[t]; hb[t]]   (stacked vertically)                     (2H, B)
            outputs[t] = Why hiddens[t] + by                                        (O, B)

        Inputs:
        - inputs: list of T arrays x[t] of shape (I, B), float32 or float64.

        Returns a tuple of:
        - outputs: list of T arrays of shape (O, B).
        - hiddens: list of T arrays of shape (2H, B), the forward state on top of the backward state.
        Results have the dtype numpy gives when the inputs meet the weights (float32 inputs and float32
        weights give float32). The inputs are not modified.

        Hint: the two directions share nothing but the inputs, so they are two independent recurrences. The
        backward one reads the positions in reverse, but what it produces belongs to positions, not to the order
        of reading: hiddens[t] must pair the two states of the same position t.
        """
        # YOUR CODE HERE
        raise NotImplementedError()
