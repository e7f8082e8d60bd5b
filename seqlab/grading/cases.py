"""A case is one check with concrete inputs: what the child is asked to run and the parent judges."""

from __future__ import annotations

from dataclasses import dataclass

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


def build_cases(exercise: Exercise, source: SeedSource, only_check: str | None = None) -> list[Case]:
    checks = [exercise.check(only_check)] if only_check else exercise.checks
    cases = []
    for check in checks:
        arrays, args = check.build(source.rng(exercise.name, check.name))
        cases.append(Case(check, arrays, args))
    return cases
