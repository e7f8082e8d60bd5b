"""Probes: 0-point cases, run in the same child after the checks, that isolate the cause of a wrong result.

A probe (``spec.Probe``) varies one check's inputs: h_prev = 0, zero biases, T = 1, the backward weights equal to
the forward ones... (ablation: judged against the right answer for those inputs), or asks for a relation the result
must keep (metamorphic: a permuted batch must permute the student's own results). Which probes agree with what is
right is evidence for the findings (``spec.Finding``) and for pruning the search for combined mistakes; a probe
never scores. Its inputs are derived from its check's inputs here, in the same way for every oracle, so a student
release needs no stored probe inputs.
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.cases import Case
from seqlab.grading.judge import judge
from seqlab.grading.outcome import Outcome
from seqlab.grading.spec import Check, Exercise, Probe
from seqlab.grading.tolerance import Tolerance

PREFIX = "probe:"


def _derived(rng):
    raise TypeError("a probe's inputs are derived from its check's inputs, not drawn")


def probe_cases(exercise: Exercise, cases: list[Case]) -> list[Case]:
    """The probes of the checks in `cases`, as cases (0 points) named ``probe:<name>``."""
    by_name = {case.check.name: case for case in cases}
    probes = []
    for probe in exercise.probes:
        base = by_name.get(probe.check)
        if base is None:
            continue
        arrays, args = probe.vary({key: np.array(value, copy=True) for key, value in base.arrays.items()},
                                  dict(base.args))
        check = Check(PREFIX + probe.name, 0, probe.call or base.check.call, probe.says, _derived,
                      function=exercise.function_of(base.check))
        probes.append(Case(check, arrays, args))
    return probes


def probe_of(exercise: Exercise, case: Case) -> Probe:
    name = case.check.name.removeprefix(PREFIX)
    return next(probe for probe in exercise.probes if probe.name == name)


def agrees(probe: Probe, got: Outcome, expected: Outcome, base: Case, base_got: Outcome,
           tol: Tolerance) -> bool | None:
    """Whether the student's probe result is what it must be: the right answer for the probe's inputs, or (a
    metamorphic probe) the student's own base result transformed. None when that cannot be told (the student's
    code raised, or the base check gave no result)."""
    if got.error is not None:
        return None
    if probe.relation is not None:
        if base_got.error is not None:
            return None
        try:
            floats = {key: value for key, value in base_got.floats.items() if "input:" not in key}
            expected = Outcome(probe.relation(base, base_got.arrays), floats)
        except Exception:  # the student's base result has the wrong shape for the relation
            return None
    return judge(got, expected, tol) is None
