"""does nothing: forward returns None."""


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        pass

    def forward(self, x, h_prev):
        return None
