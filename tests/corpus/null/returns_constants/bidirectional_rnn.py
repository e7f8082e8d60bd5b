"""does nothing: ones of the right shapes."""

import numpy as np


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        self.hidden_size, self.output_size = hidden_size, output_size

    def forward(self, inputs):
        B = inputs[0].shape[1]
        return ([np.ones((self.output_size, B)) for _ in inputs],
                [np.ones((2 * self.hidden_size, B)) for _ in inputs])
