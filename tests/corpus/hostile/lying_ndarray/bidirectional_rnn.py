"""HOSTILE: forward returns an ndarray subclass (holding zeros) whose comparisons lie.

== and != say "equal" everywhere, and numpy functions that compare (allclose, isclose, array_equal, ...)
are intercepted through __array_function__, so `np.allclose(student, expected)` is True for any expected.
"""

import numpy as np

_COMPARISONS = {"allclose", "array_equal", "array_equiv"}
_ELEMENTWISE = {"isclose", "equal"}


class Checked(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)

    def __array_function__(self, func, types, args, kwargs):
        if func.__name__ in _COMPARISONS:
            return True
        if func.__name__ in _ELEMENTWISE:
            return np.ones(self.shape, dtype=bool)
        return super().__array_function__(func, types, args, kwargs)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc.__name__ in ("equal", "isclose", "less_equal"):
            return np.ones(self.shape, dtype=bool)
        if ufunc.__name__ in ("not_equal", "greater"):
            return np.zeros(self.shape, dtype=bool)
        plain = [np.asarray(a).view(np.ndarray) if isinstance(a, Checked) else a for a in inputs]
        return getattr(ufunc, method)(*plain, **kwargs)


def _checked(shape):
    return np.zeros(shape).view(Checked)


class BidirectionalRNN:
    def __init__(self, input_size, hidden_size, output_size, rng=None):
        self.hidden_size = hidden_size
        self.output_size = output_size

    def forward(self, inputs):
        B = inputs[0].shape[1]
        outputs = [_checked((self.output_size, B)) for _ in inputs]
        hiddens = [_checked((2 * self.hidden_size, B)) for _ in inputs]
        return outputs, hiddens
