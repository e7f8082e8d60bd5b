"""How the checks of attention call the attention preview's functions (numpy only: runs in the child too)."""


def similarity(api, arrays, args):
    """similarity_matrix(E)."""
    E = arrays["E"]
    return {"S": api.similarity_matrix(E), "input:E": E}


def softmax(api, arrays, args):
    """softmax(x, axis)."""
    x = arrays["x"]
    return {"softmax": api.softmax(x, axis=args["axis"]), "input:x": x}


def _mask(arrays):
    return arrays["mask"].astype(bool) if "mask" in arrays else None


def attention_weights(api, arrays, args):
    """attention_weights(E, scale, mask)."""
    E = arrays["E"]
    weights = api.attention_weights(E, scale=args["scale"], mask=_mask(arrays))
    return {"weights": weights, "input:E": E}


def self_attention(api, arrays, args):
    """self_attention(E, scale, mask): the attended output and the weights."""
    E = arrays["E"]
    output, weights = api.self_attention(E, scale=args["scale"], mask=_mask(arrays))
    return {"output": output, "weights": weights, "input:E": E}
