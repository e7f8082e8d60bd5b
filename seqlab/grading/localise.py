"""Localising a wrong result: which of its parts (``spec.Part``) are right and which are wrong.

A part is a piece of a check's result that can be right on its own: the GRU's gates r and z and its candidate n,
the BiRNN's forward and backward states and its outputs, the attention weights' row sums, the scaling coefficient
recovered from the caller's arrays. Each part is extracted in the same way from the student's outcome and from the
expected one and compared at the check's tolerance: "r and z are right; n is wrong".
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.cases import Case
from seqlab.grading.outcome import Outcome
from seqlab.grading.spec import Exercise, Part
from seqlab.grading.tolerance import Tolerance


def _piece(part: Part, case: Case, outcome: Outcome) -> np.ndarray | None:
    try:
        value = part.of(case, outcome)
        return None if value is None else np.asarray(value, dtype=np.float64)
    except Exception:  # a piece of the wrong shape, a missing output: that piece is not there
        return None


def same(have: np.ndarray | None, want: np.ndarray, tol: Tolerance, partial: bool = False) -> bool:
    if have is None or have.shape != want.shape:
        return False
    if partial:  # compared where both are defined
        undefined = np.isnan(have) | np.isnan(want)
        have, want = np.where(undefined, 0.0, have), np.where(undefined, 0.0, want)
    return tol.all_close(have, want)


def parts(exercise: Exercise, case: Case, got: Outcome, expected: Outcome, tol: Tolerance,
          derived: bool = True) -> dict[str, bool]:
    """{part name: right?} for every part of the exercise that exists in this check's expected result (empty when
    the student's code raised); without the derived parts when `derived` is False."""
    if got.error is not None or expected.error is not None:
        return {}
    found = {}
    for part in exercise.parts:
        if part.derived and not derived:
            continue
        want = _piece(part, case, expected)
        if want is not None:
            found[part.name] = same(_piece(part, case, got), want, tol, part.partial)
    return found
