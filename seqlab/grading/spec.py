"""What an exercise is, as the grader knows it: its checks (inputs and points), its calls and its known mistakes.

Each exercise has one home, ``seqlab/grading/exercises/<name>/``:

    __init__.py   EXERCISE = Exercise(...): the checks (what inputs each draws, its points), the known mistakes
                  (stable ids and the message a student reads); read by everything that needs the exercise
    calls.py      how each kind of check calls the student's API and what it reads back. numpy and the standard
                  library only: the same source runs in the sandboxed child (on the student's module) and in the
                  trusted parent (on reference/ and on each known mistake)

Input builders only draw inputs; what the right answer is comes from ``reference/`` (instructor) or from
precomputed public data (a student release), never from here. What each known mistake computes (its variant)
is trusted math too and lives in ``reference/mistakes/<name>.py``, keyed by the same ids.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable, Collection

import numpy as np

Inputs = tuple[dict[str, np.ndarray], dict]  # (arrays, JSON scalars) handed to a call


@dataclass(frozen=True)
class Check:
    name: str
    points: int
    call: str  # a function name in the exercise's calls.py
    summary: str  # one line: what this check exercises
    build: Callable[[np.random.Generator], Inputs]


@dataclass(frozen=True)
class Mistake:
    """A known mistake: ``key`` is unique within its exercise; ``id`` (``<exercise>.<key>``) is unique overall."""

    exercise: str
    key: str
    message: str  # what the student most likely did, in the course's notation

    @property
    def id(self) -> str:
        return f"{self.exercise}.{self.key}"


@dataclass(frozen=True)
class Exercise:
    name: str  # module name: exercises/<name>.py
    title: str
    position: int  # where it is taught (and reported): 1, 2, ...
    api: tuple[str, ...]  # the top-level names a submission must define
    checks: tuple[Check, ...]
    mistakes: tuple[Mistake, ...]  # in the order they are tried: specific mistakes first

    def __post_init__(self):
        names = [c.name for c in self.checks]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: two checks share a name: {names}")
        keys = [m.key for m in self.mistakes]
        if len(set(keys)) != len(keys) or any(m.exercise != self.name for m in self.mistakes):
            raise ValueError(f"{self.name}: mistake keys must be unique and belong to this exercise")

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

    def select(self, names: Collection[str] | None = None) -> tuple[Check, ...]:
        """The checks named, in the spec's order (every check when `names` is None); KeyError for an unknown name."""
        if names is None:
            return self.checks
        for name in names:
            self.check(name)
        return tuple(check for check in self.checks if check.name in names)

    def mistake(self, key: str) -> Mistake:
        for mistake in self.mistakes:
            if mistake.key == key or mistake.id == key:
                return mistake
        raise KeyError(f"{self.name} has no known mistake {key!r}")

    @property
    def calls(self) -> ModuleType:
        """The exercise's calls.py, imported (the parent runs trusted code through it)."""
        return importlib.import_module(f"seqlab.grading.exercises.{self.name}.calls")

    @property
    def calls_source(self) -> str:
        """The text of calls.py: what the child executes, since it cannot import seqlab."""
        return Path(self.calls.__file__).read_text()


def mistakes(exercise: str, *entries: tuple[str, str]) -> tuple[Mistake, ...]:
    """The known mistakes of `exercise` from (key, message) pairs, in order."""
    return tuple(Mistake(exercise, key, message) for key, message in entries)


def normal(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0,
           dtype=np.float64) -> np.ndarray:
    return (scale * rng.standard_normal(shape)).astype(dtype)
