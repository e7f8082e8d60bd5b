"""does nothing: every function returns None."""


def similarity_matrix(E):
    return None


def softmax(x, axis=-1):
    return None


def attention_weights(E, scale=True, mask=None):
    return None


def self_attention(E, scale=True, mask=None):
    return None
