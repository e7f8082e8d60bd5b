"""What one check produced, as raw data: arrays, floats, the type names of anything else, or an error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from seqlab.grading import driver


@dataclass
class Outcome:
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    floats: dict[str, float] = field(default_factory=dict)
    bad_types: dict[str, str] = field(default_factory=dict)
    error: tuple[str, str] | None = None  # (kind, text): not_implemented, missing, error, import, crash

    @classmethod
    def from_call(cls, function: Callable, api, arrays: dict[str, np.ndarray], args: dict) -> "Outcome":
        """Runs trusted code (reference or a known mistake) through the same call as the child."""
        outputs, error = driver.call(function, api, arrays, args)
        if error is not None:
            return cls(error=error)
        raw_arrays, floats, bad_types = driver.to_raw(outputs)
        return cls(raw_arrays, floats, bad_types)
