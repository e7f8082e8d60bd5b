"""Naming a wrong result: which known mistakes the submission reproduces, as ids, and one story per exercise.

A known mistake (``spec.Mistake``) is named for a failed check only when its variant, run by the trusted parent
on the same inputs, fails that check too and the submission's outcome matches the variant's at the check's
tolerance. The prose a student reads is built from the ids (``describe``).
"""

from __future__ import annotations

from seqlab.grading.cases import Case
from seqlab.grading.judge import judge, matches
from seqlab.grading.outcome import Outcome
from seqlab.grading.spec import Exercise
from seqlab.grading.tolerance import Tolerance


def matching_mistakes(oracle, exercise: Exercise, case: Case, got: Outcome, expected: Outcome,
                      tol: Tolerance) -> list[str]:
    """The ids of every known mistake that the submission reproduces on this case, in the spec's order."""
    return [mistake.id for mistake, variant in oracle.variants(exercise, case)
            if judge(variant, expected, tol) is not None and matches(got, variant, tol)]


def pick(candidates: dict[str, list[str]]) -> dict[str, str]:
    """One consistent story per exercise: several mistakes can coincide on one input (with h_prev = 0 three
    GRU mistakes give the same numbers), so each failed check is named after the mistake that explains the
    most failed checks of the exercise, when that one matches it, else after its own first match."""
    counts: dict[str, int] = {}
    for ids in candidates.values():
        for mistake_id in ids:
            counts[mistake_id] = counts.get(mistake_id, 0) + 1
    chosen = {}
    for check, ids in candidates.items():
        if ids:
            chosen[check] = max(ids, key=lambda m: (counts[m], -ids.index(m)))
    return chosen


def describe(exercise: Exercise, mistake_ids: list[str]) -> str:
    """The named mistakes in words, for the student."""
    return "; ".join(exercise.mistake(mistake_id).message for mistake_id in mistake_ids)
