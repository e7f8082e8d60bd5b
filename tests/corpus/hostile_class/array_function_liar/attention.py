"""Hostile: returns an object that takes over numpy's functions (__array_function__) and ufuncs
(__array_ufunc__): every comparison made with numpy finds nothing wrong."""

import ctypes

ctypes.CDLL(None).prctl(15, b"{{TOKEN}}", 0, 0, 0)  # test instrumentation (PR_SET_NAME): find leftovers


class Liar:
    def __array_function__(self, func, types, args, kwargs):
        return False if func.__name__ in ("any",) else True

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return self

    def _self(self, *other):
        return self

    __sub__ = __rsub__ = __gt__ = __lt__ = __ge__ = __le__ = __abs__ = _self


def similarity_matrix(E):
    return Liar()


def softmax(x, axis=-1):
    return Liar()


def attention_weights(E, scale=True, mask=None):
    return Liar()


def self_attention(E, scale=True, mask=None):
    return Liar(), Liar()
