"""Which combination of known mistakes a wrong submission reproduces, exactly.

Known mistakes are switches of a parameterised reference (``reference/mistakes/<name>.py``: reset placement x
update direction x biases x gate order ...). For the failed checks of one function of the API (a family), the
search tries the combinations of up to ``MAX_SWITCHES`` switches that change some check of that family, smallest
first, and keeps a combination when its outcome equals the student's at the check's tolerance on every check where
it applies: every check of the family, and every other check that one of its switches changes (a similarity_matrix
mistake shows in attention_weights too), wherever the student's code returned a result. The smallest size that
reproduces the submission wins; when several combinations of that size do, a check is named only after the switches
that all of them need there ("wrong names are worse than none").

The switches tried for a family are those that change one of its checks, and those that change a check one of
these changes (so that a similarity mistake seen in attention_weights can be paired with a scaling mistake there);
a combination holds at least one of the former.

Pruning (at worst a missed name, never a wrong one: every kept combination is checked exactly): a combination in
which one switch, alone, changes a piece of output the student got right (a part of localise, a whole check, a
probe) is not tried unless another of its switches acts on that case too: it might cancel the change (with shared
weights, swapping the two halves changes nothing at T = 1), or keep it from reaching the caller (grads[k] = g * coef).
Pruning by the piece alone would miss such pairs: neither switch changes that piece on its own. Derived parts (a
residual, "the arrays changed at all") are no evidence: mistakes interact there (a NaN norm leaves the arrays
unscaled); neither is the converse rule "each wrong piece is changed by one switch alone".
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
    """The evidence of one exercise and the student's results; one search per family of failed checks."""

    oracle: object
    exercise: Exercise
    checks: list[Case]  # the checks where the student's code returned a result
    probes: list[Case]  # the ablation probes the student gets wholly right (metamorphic ones are not evidence)
    got: dict[str, Outcome]
    expected: dict[str, Outcome]
    tols: dict[str, Tolerance]
    failed: set[str]  # the checks the student failed
    parts: dict[str, dict[str, bool]]  # the student's parts, by check (passed ones too)
    evaluated: int = 0  # combinations checked exactly (for the benchmark's report)
    _memo: dict = field(default_factory=dict)
    _touched: dict = field(default_factory=dict)

    def outcome(self, case: Case, keys: tuple[str, ...]) -> Outcome | None:
        if not keys:
            return self.expected[case.check.name]
        memo_key = (case.check.name, keys)
        if memo_key not in self._memo:
            self._memo[memo_key] = self.oracle.variant(self.exercise, case, keys)
        return self._memo[memo_key]

    def touched(self, key: str, case: Case) -> frozenset[str]:
        """The pieces of a case that one switch, alone, changes: WHOLE when it changes anything, and the
        non-derived parts it changes."""
        memo_key = (key, case.check.name)
        if memo_key not in self._touched:
            self._touched[memo_key] = self._changes(key, case)
        return self._touched[memo_key]

    def _changes(self, key: str, case: Case) -> frozenset[str]:
        variant, name = self.outcome(case, (key,)), case.check.name
        if variant is None or (variant.error is None and matches(variant, self.expected[name], self.tols[name])):
            return frozenset()
        changed = {WHOLE}
        if variant.error is None:
            pieces = localise.parts(self.exercise, case, variant, self.expected[name], self.tols[name],
                                    derived=False)
            changed |= {part for part, right in pieces.items() if not right}
        return frozenset(changed)

    def reproduces(self, keys: tuple[str, ...], family: list[Case]) -> bool:
        """Whether the combination gives the student's outcome on the family's checks (in the order given) and on
        every other check one of its switches changes."""
        self.evaluated += 1
        others = [case for case in self.checks if case not in family
                  and any(self.touched(key, case) for key in keys)]
        for case in family + others:
            variant = self.outcome(case, keys)
            if variant is None or not matches(self.got[case.check.name], variant, self.tols[case.check.name]):
                return False
        return True


def _right_pieces(search: Search) -> list[tuple[Case, str]]:
    """The (case, piece) pairs the student got right: non-derived parts, and WHOLE (everything the call returned,
    what is only observed for feedback included) for checks and probes."""
    derived = {part.name for part in search.exercise.parts if part.derived}
    right = []
    for case in search.checks:
        name = case.check.name
        right += [(case, part) for part, ok in search.parts.get(name, {}).items() if ok and part not in derived]
        if matches(search.got[name], search.expected[name], search.tols[name]):
            right.append((case, WHOLE))
    return right + [(probe, WHOLE) for probe in search.probes]


def minimal_matches(search: Search, function: str) -> list[tuple[str, ...]]:
    """Every smallest combination of switches that reproduces the student's results wherever it applies, for the
    failed checks of one function."""
    exercise = search.exercise
    # Failed checks first, the smallest first: most combinations are rejected by the first check they are run on.
    family = sorted((case for case in search.checks if exercise.function_of(case.check) == function),
                    key=lambda case: (case.check.name not in search.failed, sum(a.size for a in case.arrays.values())))
    if not family or family[0].check.name not in search.failed:
        return []
    switches = search.oracle.switches(exercise)  # key -> the switch names it sets, in the spec's order
    largest = MAX_SWITCHES if search.oracle.combinable(exercise) else 1
    own = {key for key in switches if any(search.touched(key, case) for case in family)}
    reached = [case for case in search.checks if any(search.touched(key, case) for key in own)]
    relevant = [key for key in switches if key in own or any(search.touched(key, case) for case in reached)]
    right = _right_pieces(search)

    def pruned(combo: tuple[str, ...]) -> bool:
        for case, piece in right:
            spoilers = [key for key in combo if piece in search.touched(key, case)]
            if len(spoilers) == 1 and not any(search.touched(key, case) for key in combo if key != spoilers[0]):
                return True  # one switch spoils a piece the student has right, and nothing else acts on that case
        return False

    for size in range(1, largest + 1):
        found = []
        for combo in combinations(relevant, size):
            sets = [switches[key] for key in combo]
            if sum(len(s) for s in sets) != len(frozenset().union(*sets)) or not own & set(combo):
                continue  # two mistakes that set the same switch, or none that shows in this family
            if not pruned(combo) and search.reproduces(combo, family):
                found.append(combo)
        if found:
            return found
    return []


def named_per_check(search: Search, found: list[tuple[str, ...]], function: str) -> dict[str, list[str]]:
    """For each failed check of the function, the switches every smallest combination needs there: those without
    which the combination's outcome on that check would change."""
    named = {}
    for case in search.checks:
        name = case.check.name
        if name not in search.failed or search.exercise.function_of(case.check) != function:
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
