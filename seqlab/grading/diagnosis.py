"""Explaining a wrong result: the mistakes it reproduces, the parts that are right and wrong, what the probes prove,
and for a crash the student's line and the numpy pitfall behind it. Data first (ids and booleans), words from them.

For every failed check, ``diagnose`` gives a ``Diagnosis``:

    mistakes   ids of the known mistakes (switches of the parameterised reference) of the smallest combination
               that reproduces the submission exactly on every check of its function (``combinations``)
    parts      {part: right?} (``localise``)
    probes     {probe: agrees?} for the probes of the check's function (``probes``)
    findings   ids of what the parts and probes prove (``spec.Finding``) and of the numpy pitfall (``pitfalls``)
    exception  for an exception: its type, message, the student's line number and text, and the pitfall's id

A mistake is named only when reproduced exactly; otherwise the words localise (parts, findings) or, with nothing
proven, stay empty and the judge's finding (where the output differs) speaks alone. Correct results get nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seqlab.grading import localise, pitfalls
from seqlab.grading.cases import Case
from seqlab.grading.combinations import Search, minimal_matches, named_per_check
from seqlab.grading.judge import matches
from seqlab.grading.outcome import Outcome
from seqlab.grading.probes import agrees, probe_of
from seqlab.grading.spec import Exercise
from seqlab.grading.tolerance import Tolerance

MAX_FINDINGS_SAID = 3


@dataclass
class Diagnosis:
    mistakes: list[str] = field(default_factory=list)
    parts: dict[str, bool] = field(default_factory=dict)
    probes: dict[str, bool] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    exception: dict | None = None
    diagnosis: str = ""  # the mistakes in words
    explanation: str = ""  # the parts, findings and pitfall in words


@dataclass
class Evidence:
    """What a finding's rule reads, for one failed check."""

    check: str
    parts: dict[str, bool]
    probes: dict[str, bool]
    verdicts: dict[str, str | None]

    def part(self, name: str) -> bool | None:
        return self.parts.get(name)

    def probe(self, name: str) -> bool | None:
        return self.probes.get(name)

    def passed(self, check: str) -> bool:
        return check in self.verdicts and self.verdicts[check] is None


def describe(exercise: Exercise, mistake_ids: list[str]) -> str:
    """The named mistakes in words, for the student."""
    return "; ".join(exercise.mistake(mistake_id).message for mistake_id in mistake_ids)


def _parts_in_words(exercise: Exercise, parts: dict[str, bool]) -> str:
    """"right: the reset gate r, the update gate z; wrong: the candidate n, the new state h'" when some parts are
    right and some wrong (the pieces themselves; derived parts speak through the findings)."""
    pieces = [part for part in exercise.parts if part.name in parts and not part.derived]
    right = [part.says for part in pieces if parts[part.name]]
    wrong = [part.says for part in pieces if not parts[part.name]]
    return f"right: {', '.join(right)}; wrong: {', '.join(wrong)}" if right and wrong else ""


def _error_record(got: Outcome, case: Case, source: list[str]) -> tuple[dict | None, tuple[str, str] | None]:
    """An exception as data (with the pitfall's id), and the pitfall explained; (None, None) for what is not an
    exception of the student's code (not implemented, a timeout, a crash of the process)."""
    record = got.record
    if got.error[0] not in ("error", "missing", "import") or "type" not in record:
        return None, None
    found = pitfalls.explain_error(record, case.arrays, source)
    error = {key: record[key] for key in ("type", "message", "in", "line", "function", "text") if key in record}
    error["pitfall"] = found[0] if found else None
    return error, found


def diagnose(oracle, exercise: Exercise, cases: list[Case], probes: list[Case], outcomes: dict[str, Outcome],
             expected: dict[str, Outcome], verdicts: dict[str, str | None], tols: dict[str, Tolerance],
             source: list[str] = ()) -> dict[str, Diagnosis]:
    """A Diagnosis for every failed check of `cases` (probes: their 0-point probe cases, already run)."""
    failed = {case.check.name for case in cases if verdicts[case.check.name] is not None}
    if not failed:
        return {}
    by_name = {case.check.name: case for case in cases}
    functions = list(dict.fromkeys(exercise.function_of(by_name[name].check) for name in by_name if name in failed))
    parts = {case.check.name: localise.parts(exercise, case, outcomes[case.check.name], expected[case.check.name],
                                             tols[case.check.name])
             for case in cases}
    # A probe is evidence for findings when it is metamorphic (a relation the student's results must keep), or an
    # ablation of a check the student failed ("with zero biases your step is right"). For pruning the search, an
    # ablation probe is evidence when everything it returned is right, what is observed for feedback included.
    agreement: dict[str, dict[str, bool]] = {}  # function -> probe -> agrees
    agreeing: list[Case] = []  # the ablation probes the student gets wholly right
    for case in probes:
        probe, got = probe_of(exercise, case), outcomes[case.check.name]
        base = by_name[probe.check]
        function = exercise.function_of(base.check)
        said = agrees(probe, got, expected.get(case.check.name), base, outcomes[base.check.name],
                      tols[base.check.name])
        if said is not None and (probe.relation is not None or base.check.name in failed):
            agreement.setdefault(function, {})[probe.name] = said
        if probe.relation is None and got.error is None and matches(got, expected[case.check.name],
                                                                   tols[case.check.name]):
            agreeing.append(case)

    scored = [case for case in cases if outcomes[case.check.name].error is None]
    search = Search(oracle, exercise, scored, agreeing, outcomes, expected, tols, failed, parts)
    named: dict[str, list[str]] = {}
    for function in functions:
        named |= named_per_check(search, minimal_matches(search, function), function)

    diagnoses = {}
    for name in sorted(failed, key=list(by_name).index):
        case, got = by_name[name], outcomes[name]
        d = Diagnosis(parts=parts[name], probes=dict(agreement.get(exercise.function_of(case.check), {})))
        d.mistakes = [exercise.mistake(key).id for key in named.get(name, [])]
        d.diagnosis = describe(exercise, d.mistakes)
        if got.error is not None:
            d.exception, found = _error_record(got, case, list(source))
            said = []
        else:
            found = pitfalls.explain_result(got, expected[name])
            evidence = Evidence(name, d.parts, d.probes, verdicts)
            d.findings = [f.key for f in exercise.findings if f.when(evidence)]
            # What the findings prove, or else which pieces are right and which wrong.
            said = [exercise.finding(key).message for key in d.findings[:MAX_FINDINGS_SAID]] or \
                [_parts_in_words(exercise, d.parts)]
        if found:
            d.findings.append(found[0])
            said.insert(0, found[1])
        d.explanation = "; ".join(s for s in said if s)
        diagnoses[name] = d
    return diagnoses
