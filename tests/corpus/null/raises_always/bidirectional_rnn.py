"""does nothing: every call raises ValueError."""


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        pass

    def forward(self, inputs):
        raise ValueError("not done")
