"""does nothing: the inputs come back as outputs and as states."""


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        pass

    def forward(self, inputs):
        return list(inputs), list(inputs)
