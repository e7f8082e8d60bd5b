"""What an implementation hands the benchmark: the call to time, and a way to read its output for checking."""

import dataclasses
from typing import Any, Callable

import numpy as np


@dataclasses.dataclass(frozen=True)
class Prepared:
    """run(): computes the whole output from inputs already on the device and returns it; on a GPU it waits for
    the kernels to finish (torch.cuda.synchronize) before returning, so a wall clock around it is honest.
    Data transfers, weight set-up and layout changes happen before, untimed.

    head(output, k): the first k batch elements of output as a float64 numpy array in the family's canonical
    layout, (n, d, k) for the RNN, (k, n, d) for attention, (k, size) rows for a matmul.
    """
    run: Callable[[], Any]
    head: Callable[[Any, int], np.ndarray]
