"""How the checks of bidirectional_rnn call BidirectionalRNN.forward (numpy only: runs in the child too)."""

import numpy as np

WEIGHTS = ("Wxh_f", "Whh_f", "bh_f", "Wxh_b", "Whh_b", "bh_b", "Why", "by")


def _model(api, arrays, args, prefix=""):
    model = api.BidirectionalRNN(args["input_size"], args["hidden_size"], args["output_size"],
                                 rng=np.random.default_rng(0))
    for name in WEIGHTS:
        setattr(model, name, arrays[prefix + name])
    return model


def birnn_forward(api, arrays, args):
    """BidirectionalRNN.forward with weights set after construction (they must be read at call time)."""
    model = _model(api, arrays, args)
    inputs = [x for x in arrays["inputs"]]  # list of T arrays (I, B)
    outputs, hiddens = model.forward(inputs)
    return {"outputs": outputs, "hiddens": hiddens, "input:inputs": inputs}


def birnn_forward_twice(api, arrays, args):
    """Two forward passes on one model, its weights replaced between them: the second must use the new weights."""
    model = _model(api, arrays, args, "first:")
    model.forward([x for x in arrays["inputs"]])
    for name in WEIGHTS:
        setattr(model, name, arrays[name])
    outputs, hiddens = model.forward([x for x in arrays["inputs"]])
    return {"outputs": outputs, "hiddens": hiddens}
