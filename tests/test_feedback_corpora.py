"""The feedback engine against its corpora: combined mistakes named with all their switches, other conventions
localised (or full marks, undiagnosed, when right), do-nothing code scoring 0, numpy pitfalls named with the
student's own line.

    tests/corpus/combined/     two or three known mistakes at once, as real code makes them (mistakes = [ids])
    tests/corpus/conventions/  row-major, per-gate matrices, loops over the batch, einsum, log-sum-exp... (full_marks,
                               or the parts right / wrong and the findings a wrong one must get)
    tests/corpus/null/         None, zeros, constants, the input unchanged, raising on every call, zeroed gradients
    tests/corpus/crashes/      one numpy pitfall each (pitfall, and the line an exception must show)

Every case is graded once (module fixture, two at a time: 2 cores), public inputs, answer key for the other
exercises; each exercise runs in its own process, so a case is graded with only=<its exercise>.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from seqlab.grading.grader import grade
from seqlab.grading.oracle import ReferenceOracle
from seqlab.grading.pitfalls import PITFALLS
from seqlab.grading.registry import EXERCISES
from seqlab.grading.registry import mistake as known_mistake
from seqlab.grading.sandbox import Limits
from seqlab.grading.seeds import PUBLIC
from tests.corpus import REPO, load, materialize

LIMITS = Limits(wall_seconds=30)  # generous: the machine is shared; a case takes about a second
COMBINED, CONVENTIONS, NULL, CRASHES = (load(name) for name in ("combined", "conventions", "null", "crashes"))
MIN_COMBINED, MIN_CONVENTIONS = 10, 5


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{(corpus, case): {exercise: ExerciseReport}} for every case of the four corpora."""
    oracle = ReferenceOracle(REPO)
    root = tmp_path_factory.mktemp("feedback")
    jobs = [(corpus, name, case) for corpus, cases in
            (("combined", COMBINED), ("conventions", CONVENTIONS), ("null", NULL), ("crashes", CRASHES))
            for name, case in cases.items()]

    def run(job):
        corpus, name, case = job
        folder = materialize(case, root / corpus / name.replace("/", "__"), key=corpus != "null")
        only = case["exercise"] if len(case["exercises"]) == 1 else None
        return (corpus, name), grade(folder, oracle, PUBLIC, LIMITS, only=only).exercises

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, jobs))


def failed(report) -> list:
    return [t for t in report.tests if not t.passed]


# ---------------------------------------------------------------------------------------------------
# The corpora themselves
# ---------------------------------------------------------------------------------------------------


def test_each_exercise_has_its_combined_and_other_convention_submissions():
    for name in EXERCISES:
        combined = [c for c in COMBINED.values() if c["exercise"] == name]
        assert len(combined) >= MIN_COMBINED and all(2 <= len(c["mistakes"]) <= 3 for c in combined), name
        assert sum(c["exercise"] == name for c in CONVENTIONS.values()) >= MIN_CONVENTIONS, name
    for case in COMBINED.values():
        assert all(known_mistake(m).exercise == case["exercise"] for m in case["mistakes"])
    for case in CRASHES.values():
        assert case["pitfall"] in PITFALLS
    assert {p for c in CRASHES.values() for p in [c["pitfall"]]} == set(PITFALLS)


# ---------------------------------------------------------------------------------------------------
# Combined mistakes: every switch named, nothing else
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(COMBINED))
def test_every_switch_of_a_combined_mistake_is_named(name, graded):
    case = COMBINED[name]
    report = graded["combined", name][case["exercise"]]
    named = {m for t in failed(report) for m in t.mistakes}
    assert named == set(case["mistakes"]), "\n".join(f"{t.name}: {t.mistakes} {t.message}" for t in failed(report))
    for t in failed(report):
        if t.mistakes:  # the words are built from the ids, and lead the message
            assert t.diagnosis == "; ".join(known_mistake(m).message for m in t.mistakes)
            assert t.message.startswith(t.diagnosis) and t.detail in t.message


# ---------------------------------------------------------------------------------------------------
# Other conventions: right ones undiagnosed at full marks, wrong ones localised and never named
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONVENTIONS))
def test_other_conventions_are_graded_on_what_they_compute(name, graded):
    case = CONVENTIONS[name]
    report = graded["conventions", name][case["exercise"]]
    if case.get("full_marks"):
        assert report.score == report.max_score, [t.message for t in failed(report)]
        assert all(not (t.mistakes or t.parts or t.probes or t.findings or t.explanation) for t in report.tests)
        return
    wrong = failed(report)
    assert wrong and not any(t.mistakes for t in wrong), [t.mistakes for t in wrong]
    localised = [t for t in wrong if any(t.parts.values())]  # some part right: the wrong ones are localised
    assert localised, "a wrong submission in another convention must be localised"
    for t in localised:
        for part in case["right"]:
            assert t.parts.get(part, True), (t.name, part, t.parts)
        for part in case["wrong"]:
            assert not t.parts.get(part, False), (t.name, part, t.parts)
        assert t.explanation and t.message.startswith(t.explanation)
    said = {f for t in wrong for f in t.findings}
    assert set(case["findings"]) <= said, said


# ---------------------------------------------------------------------------------------------------
# No free points
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(NULL))
def test_a_submission_that_does_nothing_scores_zero(name, graded):
    reports = graded["null", name]
    for exercise in NULL[name]["exercises"]:
        report = reports[exercise]
        assert report.score == 0, [(t.name, t.points) for t in report.tests if t.points]
        assert all("Traceback" not in t.message for t in report.tests)


def test_a_trivial_check_counts_once_a_main_check_of_its_function_passes(graded):
    """zeroes_gradients passes norm_empty and norm_negative_max (return 0.0; raise for max_norm < 0): no points;
    the answer key, with its main checks passing, keeps them (test_mutants: full marks)."""
    report = graded["null", "zeroes_gradients"]["gradient_clipping"]
    gated = {t.name: t for t in report.tests if "counts only together with a main check" in t.detail}
    assert set(gated) == {"norm_empty", "norm_negative_max"}
    assert all(t.points == 0 and not t.passed for t in gated.values())


# ---------------------------------------------------------------------------------------------------
# Crashes: the student's own line, and the numpy pitfall behind it
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CRASHES))
def test_a_numpy_pitfall_is_named_from_the_evidence(name, graded):
    case = CRASHES[name]
    report = graded["crashes", name][case["exercise"]]
    named = [t for t in failed(report) if case["pitfall"] in t.findings]
    assert named, "\n".join(f"{t.name}: {t.findings} {t.message}" for t in failed(report))
    for t in named:  # the pitfall in words leads the message, unless a known mistake is named (it leads then)
        assert t.explanation and t.message.startswith(t.diagnosis or t.explanation)
        if t.exception:  # an exception, as data: the pitfall's id with the rest
            assert t.exception["pitfall"] == case["pitfall"]
        if "line" in case and t.exception:  # raised on the student's own line: its message shows it
            assert t.exception["in"] == "submission" and t.exception["line"] > 0 and t.exception["text"] == case["line"]
            assert f"line {t.exception['line']} in {t.exception['function']}: {case['line']}" in t.message


def test_every_exception_of_student_code_shows_its_line(graded):
    """Across all four corpora: an exception raised in the student's file names its line number and text."""
    seen = 0
    for reports in graded.values():
        for report in reports.values():
            for t in failed(report):
                if t.exception and t.exception.get("in") == "submission":
                    seen += 1
                    assert t.exception["text"] and f"line {t.exception['line']}" in t.message and t.exception["text"] in t.message
    assert seen >= 10
