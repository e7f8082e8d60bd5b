"""How the checks of bidirectional_rnn call BidirectionalRNN.forward (numpy only: runs in the child too)."""

import numpy as np

WEIGHTS = ("Wxh_f", "Whh_f", "bh_f", "Wxh_b", "Whh_b", "bh_b", "Why", "by")


def birnn_forward(api, arrays, args):
    """BidirectionalRNN.forward with weights set after construction (they must be read at call time)."""
    model = api.BidirectionalRNN(args["input_size"], args["hidden_size"], args["output_size"],
                                 rng=np.random.default_rng(0))
    for name in WEIGHTS:
        setattr(model, name, arrays[name])
    inputs = [x for x in arrays["inputs"]]  # list of T arrays (I, B)
    outputs, hiddens = model.forward(inputs)
    return {"outputs": outputs, "hiddens": hiddens, "input:inputs": inputs}
