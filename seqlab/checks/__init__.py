"""What each exercise is checked on: named checks, their points, and the inputs they draw.

Input builders only draw inputs; what the right answer is comes from ``reference/`` (instructor) or from
precomputed public data (a student release), never from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Inputs = tuple[dict[str, np.ndarray], dict]  # (arrays, JSON scalars) handed to the driver


@dataclass(frozen=True)
class Check:
    name: str
    points: int
    call: str  # a function name in seqlab.driver.CALLS
    summary: str  # one line: what this check exercises
    build: Callable[[np.random.Generator], Inputs]


@dataclass(frozen=True)
class Exercise:
    name: str  # module name: exercises/<name>.py
    title: str
    api: tuple[str, ...]  # the names a submission must define
    checks: tuple[Check, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.py"

    @property
    def max_score(self) -> int:
        return sum(check.points for check in self.checks)

    def check(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        known = ", ".join(c.name for c in self.checks)
        raise KeyError(f"{self.name} has no check {name!r}; its checks are: {known}")


def normal(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0,
           dtype=np.float64) -> np.ndarray:
    return (scale * rng.standard_normal(shape)).astype(dtype)
