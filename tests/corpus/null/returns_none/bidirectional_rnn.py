"""does nothing: forward returns None."""


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        pass

    def forward(self, inputs):
        return None
