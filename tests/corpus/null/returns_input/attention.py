"""does nothing: every function hands back its input."""


def similarity_matrix(E):
    return E


def softmax(x, axis=-1):
    return x


def attention_weights(E, scale=True, mask=None):
    return E


def self_attention(E, scale=True, mask=None):
    return E, E
