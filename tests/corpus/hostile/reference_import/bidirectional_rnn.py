"""HOSTILE (the trusted reference, through import): no RNN of its own; each model hands its work to
reference.bidirectional_rnn, imported when the model is made, once the grader's own imports have put the
repository on sys.path. The child has numpy and the standard library only."""


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        from reference.bidirectional_rnn import BidirectionalRNN as Reference

        object.__setattr__(self, "_reference", Reference(input_size, hidden_size, output_size, rng=rng))

    def __getattr__(self, name):
        return getattr(self._reference, name)

    def __setattr__(self, name, value):
        setattr(self._reference, name, value)

    def forward(self, inputs):
        return self._reference.forward(inputs)
