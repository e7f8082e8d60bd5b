"""seqlab: an autograded exercise kit for "from RNNs to attention"."""

__version__ = "0.1.0"
