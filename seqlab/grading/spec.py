"""What an exercise is, as the grader knows it: its checks (inputs and points), its calls and its known mistakes.

Each exercise has one home, ``seqlab/grading/exercises/<name>/``:

    __init__.py   EXERCISE = Exercise(...): the checks (what inputs each draws, its points), the known mistakes
                  (stable ids and the message a student reads); read by everything that needs the exercise
    calls.py      how each kind of check calls the student's API and what it reads back. numpy and the standard
                  library only: the same source runs in the sandboxed child (on the student's module) and in the
                  trusted parent (on reference/ and on each known mistake)
    feedback.py   how a wrong result is localised and explained: its parts (pieces that are right or wrong on
                  their own), its probes (0-point cases that isolate a cause) and its findings (what a pattern of
                  right and wrong parts and probes proves)

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
    function: str = ""  # the API name it exercises ("": the exercise's only one)
    trivial: bool = False  # a function that does nothing can pass it: it counts only with a main check of `function`


@dataclass(frozen=True)
class Part:
    """A piece of a check's result that can be right or wrong on its own (the reset gate r, the backward states, the
    scaling coefficient recovered from the caller's arrays). ``of(case, outcome)`` extracts it from an outcome, the
    student's or the expected one (numpy only: it runs in a student release too); None where the piece does not
    exist for that call. A part is right when the student's piece equals the expected one at the check's tolerance;
    a ``partial`` part (log-ratios, say) is compared only where both pieces are defined (not NaN). A ``derived`` part
    is computed from several outputs (a residual, a property such as "the arrays changed at all") rather than being
    a piece of them: it localises, but it is no evidence for pruning the search for combined mistakes."""

    name: str
    says: str  # the piece in words: "the reset gate r"
    of: Callable
    partial: bool = False
    derived: bool = False


@dataclass(frozen=True)
class Probe:
    """A 0-point case run in the same child, after the checks, to isolate a cause; it never scores.

    Ablation: the base check's inputs changed by ``vary(arrays, args) -> (arrays, args)`` (h_prev = 0, zero biases,
    T = 1...), judged against the reference on those inputs. Metamorphic (``relation`` set): judged against the
    student's own base result, transformed by ``relation(case, arrays) -> arrays`` (a permuted batch must permute
    the results)."""

    name: str
    check: str  # the base check
    says: str  # the change in words: "h_prev = 0"
    vary: Callable[[dict, dict], tuple[dict, dict]]
    call: str = ""  # another call of calls.py ("": the base check's)
    relation: Callable | None = None


def zeroed(*names: str) -> Callable[[dict, dict], tuple[dict, dict]]:
    """A probe's ``vary``: the named input arrays set to zeros (h_prev = 0, a bias family left out...)."""
    def vary(arrays, args):
        for name in names:
            arrays[name] = np.zeros_like(arrays[name])
        return arrays, args
    return vary


@dataclass(frozen=True)
class Finding:
    """What a pattern of parts and probes proves, said when ``when(evidence)`` holds for a failed check (evidence:
    ``seqlab.grading.diagnosis.Evidence``: ``part(name)``, ``probe(name)``, ``passed(check)``, ``check``)."""

    key: str
    message: str
    when: Callable


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
    parts: tuple[Part, ...] = ()
    probes: tuple[Probe, ...] = ()
    findings: tuple[Finding, ...] = ()  # in the order they are said

    def __post_init__(self):
        names = [c.name for c in self.checks]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: two checks share a name: {names}")
        keys = [m.key for m in self.mistakes]
        if len(set(keys)) != len(keys) or any(m.exercise != self.name for m in self.mistakes):
            raise ValueError(f"{self.name}: mistake keys must be unique and belong to this exercise")
        for check in self.checks:
            if self.function_of(check) not in self.api:
                raise ValueError(f"{self.name}: check {check.name} exercises {check.function!r}, not in {self.api}")
            if check.trivial and not self.main_checks(check):
                raise ValueError(f"{self.name}: trivial check {check.name} has no main check to count with")
        probe_names = [p.name for p in self.probes]
        if len(set(probe_names)) != len(probe_names) or any(p.check not in names for p in self.probes):
            raise ValueError(f"{self.name}: probe names must be unique and each must vary one of its checks")

    def function_of(self, check: Check) -> str:
        """The API name a check exercises."""
        return check.function or (self.api[0] if len(self.api) == 1 else "")

    def main_checks(self, check: Check) -> list[Check]:
        """The non-trivial checks of the function `check` exercises: a trivial check counts only with one of them."""
        return [c for c in self.checks if not c.trivial and self.function_of(c) == self.function_of(check)]

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

    def finding(self, key: str) -> Finding:
        for finding in self.findings:
            if finding.key == key:
                return finding
        raise KeyError(f"{self.name} has no finding {key!r}")


def mistakes(exercise: str, *entries: tuple[str, str]) -> tuple[Mistake, ...]:
    """The known mistakes of `exercise` from (key, message) pairs, in order."""
    return tuple(Mistake(exercise, key, message) for key, message in entries)


def normal(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0,
           dtype=np.float64) -> np.ndarray:
    return (scale * rng.standard_normal(shape)).astype(dtype)
