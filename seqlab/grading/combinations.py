"""Which combination of known mistakes a wrong submission reproduces, exactly.

Known mistakes are switches of a parameterised reference (``reference/mistakes/<name>.py``: reset placement x
update direction x biases x gate order ...). For one function of the API (a family of checks), the search tries
the combinations of up to ``MAX_SWITCHES`` switches, smallest first, and keeps those whose outcome equals the
student's at the check's tolerance on every check of the family where the student's code returned a result. The
smallest size that reproduces the submission wins; when several combinations of that size do, a check is named only
after the switches that all of them need on it ("wrong names are worse than none").

Pruning (never a wrong name, at worst a missed one): a switch that, alone, changes a part the student got right
(localise) or a probe the student agrees with is not tried unless another switch of the combination changes that
part too (they might cancel); and every wrong part must be changed by some switch of the combination.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from seqlab.grading import localise
from seqlab.grading.cases import Case
from seqlab.grading.judge import matches
from seqlab.grading.outcome import Outcome
from seqlab.grading.spec import Exercise
from seqlab.grading.tolerance import Tolerance

MAX_SWITCHES = 3
WHOLE = "*"  # the whole outcome of a case, as a part


@dataclass
class Search:
    """The evidence of one family (the checks of one API function, their probes) and the student's results."""

    oracle: object
    exercise: Exercise
    checks: list[Case]  # the family's checks where the student's code returned a result
    probes: list[Case]  # the family's ablation probes the student agrees with (metamorphic ones are not evidence)
    got: dict[str, Outcome]
    expected: dict[str, Outcome]
    tols: dict[str, Tolerance]
    failed: set[str]  # the checks the student failed
    parts: dict[str, dict[str, bool]]  # the student's parts, by check (passed ones too)
    evaluated: int = 0  # combinations run through the exact match (for the benchmark's report)
    _memo: dict = field(default_factory=dict)

    def outcome(self, case: Case, keys: tuple[str, ...]) -> Outcome | None:
        if not keys:
            return self.expected[case.check.name]
        memo_key = (case.check.name, keys)
        if memo_key not in self._memo:
            self._memo[memo_key] = self.oracle.variant(self.exercise, case, keys)
        return self._memo[memo_key]

    def touched(self, key: str, case: Case) -> set[str]:
        """The parts of a case that one switch, alone, changes (WHOLE when it changes anything)."""
        variant = self.outcome(case, (key,))
        name = case.check.name
        if variant is None:
            return set()
        if variant.error is None and matches(variant, self.expected[name], self.tols[name]):
            return set()
        changed = {WHOLE}
        if variant.error is None:
            variant_parts = localise.parts(self.exercise, case, variant, self.expected[name], self.tols[name])
            changed |= {part for part, right in variant_parts.items() if not right}
        return changed

    def reproduces(self, keys: tuple[str, ...]) -> bool:
        self.evaluated += 1
        for case in self.checks:  # failed checks first: they reject most combinations at once
            variant = self.outcome(case, keys)
            if variant is None or not matches(self.got[case.check.name], variant, self.tols[case.check.name]):
                return False
        return True


def _evidence(search: Search) -> tuple[list[tuple[Case, str]], list[tuple[Case, str]]]:
    """(right items, wrong items): (case, part) pairs the student got right, and wrong ones."""
    right, wrong = [], []
    for case in search.checks:
        name = case.check.name
        for part, ok in search.parts.get(name, {}).items():
            (right if ok else wrong).append((case, part))
        # Whole means everything the call returned, what is only observed for feedback included.
        whole = matches(search.got[name], search.expected[name], search.tols[name])
        (right if whole else wrong).append((case, WHOLE))
    right += [(probe, WHOLE) for probe in search.probes]
    return right, wrong


def minimal_matches(search: Search) -> list[tuple[str, ...]]:
    """Every smallest combination of switches that reproduces the student's results on all the family's checks."""
    if not search.failed & {case.check.name for case in search.checks}:
        return []
    switches = search.oracle.switches(search.exercise)  # key -> the switch names it sets, in the spec's order
    largest = MAX_SWITCHES if search.oracle.combinable(search.exercise) else 1
    search.checks.sort(key=lambda case: case.check.name not in search.failed)
    evidence = search.checks + search.probes
    touches = {key: {case.check.name: search.touched(key, case) for case in evidence} for key in switches}
    relevant = [key for key in switches if any(touches[key][case.check.name] for case in search.checks)]
    right, wrong = _evidence(search)

    def pruned(combo: tuple[str, ...]) -> bool:
        for case, part in right:
            if sum(part in touches[key][case.check.name] for key in combo) == 1:
                return True  # one switch spoils a part the student has right, and nothing could cancel it
        return any(not any(part in touches[key][case.check.name] for key in combo) for case, part in wrong)

    for size in range(1, largest + 1):
        found = []
        for combo in combinations(relevant, size):
            sets = [switches[key] for key in combo]
            if sum(len(s) for s in sets) != len(frozenset().union(*sets)):
                continue  # two mistakes that set the same switch
            if not pruned(combo) and search.reproduces(combo):
                found.append(combo)
        if found:
            return found
    return []


def named_per_check(search: Search, found: list[tuple[str, ...]]) -> dict[str, list[str]]:
    """For each failed check, the switches every smallest combination needs there: those without which the
    combination's outcome on that check would change."""
    named = {}
    for case in search.checks:
        name = case.check.name
        if name not in search.failed:
            continue
        needed = None
        for combo in found:
            full = search.outcome(case, combo)
            here = {key for key in combo
                    if not _same(search.outcome(case, tuple(k for k in combo if k != key)), full, search.tols[name])}
            needed = here if needed is None else needed & here
        if needed:
            named[name] = [key for key in found[0] if key in needed]
    return named


def _same(a: Outcome | None, b: Outcome | None, tol: Tolerance) -> bool:
    return a is not None and b is not None and matches(a, b, tol)
