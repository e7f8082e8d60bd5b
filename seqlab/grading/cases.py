"""A case is one check with concrete inputs: what the child is asked to run and the parent judges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

import numpy as np

from seqlab.grading.seeds import SeedSource
from seqlab.grading.spec import Check, Exercise


@dataclass(frozen=True)
class Case:
    check: Check
    arrays: dict[str, np.ndarray]
    args: dict

    @property
    def request(self) -> dict:
        """The JSON part of what the driver receives."""
        return {"name": self.check.name, "call": self.check.call, "args": self.args}


def build_cases(exercise: Exercise, source: SeedSource, checks: Collection[str] | None = None) -> list[Case]:
    """The cases of the named checks (every check of the exercise when `checks` is None)."""
    cases = []
    for check in exercise.select(checks):
        arrays, args = check.build(source.rng(exercise.name, check.name))
        cases.append(Case(check, arrays, args))
    return cases
