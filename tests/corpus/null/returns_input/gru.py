"""does nothing: the state comes back unchanged, and as every gate."""


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        pass

    def forward(self, x, h_prev):
        return h_prev, (h_prev, h_prev, h_prev)
