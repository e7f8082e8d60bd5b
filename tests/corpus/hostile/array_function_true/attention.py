"""HOSTILE: every function returns an object whose __array_function__ answers True to anything.

`np.allclose(result, expected)` dispatches to that method and gets True; so do np.array_equal and friends.
"""


class Agreeable:
    shape = ()

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __eq__(self, other):
        return True

    def __bool__(self):
        return True


def similarity_matrix(E):
    return Agreeable()


def softmax(x, axis=-1):
    return Agreeable()


def attention_weights(E, scale=True, mask=None):
    return Agreeable()


def self_attention(E, scale=True, mask=None):
    return Agreeable(), Agreeable()
