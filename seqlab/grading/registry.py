"""The registry of exercises: the only list of them. Everything that needs the exercises, their files, APIs,
checks, points or known mistakes reads it (the CLI, the grader, notebooks, class grading, releases, tests).

An exercise is registered by its folder ``seqlab/grading/exercises/<name>/`` (see ``seqlab.grading.spec``); the
registry finds every such folder and orders the exercises by their ``position`` (the order they are taught).
"""

from __future__ import annotations

import importlib
import pkgutil

from seqlab.grading import exercises as _package
from seqlab.grading.spec import Exercise, Mistake


def _discover() -> dict[str, Exercise]:
    found = []
    for info in pkgutil.iter_modules(_package.__path__):
        if not info.ispkg:
            continue
        exercise = importlib.import_module(f"{_package.__name__}.{info.name}").EXERCISE
        if exercise.name != info.name:
            raise ValueError(f"exercises/{info.name}/ defines an exercise named {exercise.name!r}")
        found.append(exercise)
    found.sort(key=lambda e: e.position)
    positions = [e.position for e in found]
    if len(set(positions)) != len(positions):
        raise ValueError(f"two exercises share a position: {[(e.name, e.position) for e in found]}")
    return {exercise.name: exercise for exercise in found}


EXERCISES: dict[str, Exercise] = _discover()


def get(name: str) -> Exercise:
    try:
        return EXERCISES[name]
    except KeyError:
        raise KeyError(f"unknown exercise {name!r}; the exercises are: {', '.join(EXERCISES)}") from None


def mistake(mistake_id: str) -> Mistake:
    """A known mistake by its id, ``<exercise>.<key>``."""
    exercise, _, key = mistake_id.partition(".")
    return get(exercise).mistake(key)


def file_names() -> list[str]:
    return [exercise.file_name for exercise in EXERCISES.values()]


def max_total() -> int:
    return sum(exercise.max_score for exercise in EXERCISES.values())
