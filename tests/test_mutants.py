"""The grader against the mutant corpus: realistic wrong submissions must lose points and be told why.

Each case of tests/corpus/mutants/cases.toml is a whole student module (<exercise>/<name>.py) that makes a
known mistake, with the ids of the mistakes the grader must name for it. A mutant is graded in a submission
folder that holds it as its exercise and the answer key (solutions/) for the others. Each exercise runs in its own
child and is judged on its own file alone, so each mutant is graded with only=<its exercise>; that the answer key
keeps full marks is shown once for solutions/ and, for one mutant per exercise, on the mutant's whole folder.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from seqlab.grading.grader import grade
from seqlab.grading.oracle import ReferenceOracle
from seqlab.grading.registry import EXERCISES, max_total
from seqlab.grading.registry import mistake as known_mistake
from seqlab.grading.sandbox import Limits
from seqlab.grading.seeds import PUBLIC
from tests.corpus import CORPUS, load, materialize

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
STUBS = REPO / "exercises"
LIMITS = Limits(wall_seconds=30)  # generous: the machine is shared; a mutant takes well under a second
MIN_PER_EXERCISE = 10
MIN_RECOGNISED = 8

MUTANTS = load("mutants")


@pytest.fixture(scope="module")
def oracle():
    return ReferenceOracle(REPO)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, oracle):
    """Every mutant's exercise report, graded two at a time (2 cores)."""
    root = tmp_path_factory.mktemp("mutants")

    def run(case):
        folder = materialize(case, root / case["name"])
        return grade(folder, oracle, PUBLIC, LIMITS, only=case["exercise"]).exercises[case["exercise"]]

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(MUTANTS, pool.map(run, MUTANTS.values())))


def failed(report) -> list:
    return [t for t in report.tests if not t.passed]


def named(report) -> set[str]:
    return {mistake_id for t in failed(report) for mistake_id in t.mistakes}


# ---------------------------------------------------------------------------------------------------
# The corpus itself
# ---------------------------------------------------------------------------------------------------


def test_corpus_has_enough_mutants_per_exercise():
    counts = {name: sum(case["exercise"] == name for case in MUTANTS.values()) for name in EXERCISES}
    assert all(n >= MIN_PER_EXERCISE for n in counts.values()), counts
    assert {case["exercise"] for case in MUTANTS.values()} == set(EXERCISES), "a mutant of no exercise"
    files = {p.relative_to(CORPUS / "mutants").with_suffix("").as_posix() for p in (CORPUS / "mutants").glob("*/*.py")}
    assert files == set(MUTANTS), "a mutant file without its entry in cases.toml, or the other way round"


@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_declares_known_mistakes_of_its_exercise(name):
    case = MUTANTS[name]
    assert case["mistakes"] and case["single_module"]
    for mistake_id in case["mistakes"]:
        assert known_mistake(mistake_id).exercise == case["exercise"]


# ---------------------------------------------------------------------------------------------------
# The answer key and the untouched stubs
# ---------------------------------------------------------------------------------------------------


def test_solutions_score_full_marks(oracle):
    report = grade(SOLUTIONS, oracle, PUBLIC, LIMITS)
    failures = {name: [t.message for t in failed(e)] for name, e in report.exercises.items() if e.score != e.max_score}
    assert report.total == report.max_total == max_total(), failures


def test_stubs_score_zero_and_say_not_implemented(oracle):
    report = grade(STUBS, oracle, PUBLIC, LIMITS)
    assert report.total == 0 and report.max_total == max_total()
    for name, exercise in report.exercises.items():
        for t in exercise.tests:
            assert not t.passed and t.points == 0
            assert "not implemented yet" in t.message, (name, t.name, t.message)
            assert "Traceback" not in t.message
    assert "Traceback" not in report.render()


# ---------------------------------------------------------------------------------------------------
# Each mutant
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_loses_points(name, graded):
    report = graded[name]
    assert report.score < report.max_score, f"{name} kept full marks"


@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_mistake_is_named(name, graded):
    report = graded[name]
    assert all("Traceback" not in t.message for t in failed(report))
    assert named(report) & set(MUTANTS[name]["mistakes"]), (
        f"{name}: none of {MUTANTS[name]['mistakes']} was named; the failed checks said:\n  "
        + "\n  ".join(f"{t.name}: {t.mistakes} {t.message}" for t in failed(report))
    )


@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_is_not_misdiagnosed(name, graded):
    """A check may go unnamed, but a mistake it is told of must be one the mutant makes."""
    wrong = {t.name: t.mistakes for t in failed(graded[name]) if set(t.mistakes) - set(MUTANTS[name]["mistakes"])}
    assert not wrong, f"{name} was told of another mistake: {wrong}"


@pytest.mark.parametrize("name", list(MUTANTS))
def test_a_named_mistake_is_said_in_words(name, graded):
    for t in failed(graded[name]):
        if t.mistakes:
            assert t.diagnosis == "; ".join(known_mistake(m).message for m in t.mistakes)
            assert t.message.startswith(t.diagnosis) and t.detail in t.message


def test_enough_distinct_mistakes_recognised(graded):
    """Counts distinct mistake ids (not files) that the grader named, per exercise."""
    recognised = defaultdict(set)
    for name, report in graded.items():
        recognised[MUTANTS[name]["exercise"]] |= named(report) & set(MUTANTS[name]["mistakes"])
    short = {name: sorted(recognised[name]) for name in EXERCISES if len(recognised[name]) < MIN_RECOGNISED}
    assert not short, f"fewer than {MIN_RECOGNISED} distinct mistakes recognised: {short}"


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_other_exercises_keep_full_marks(exercise, oracle, tmp_path):
    """A whole folder, one mutant in it: only the mutant's exercise loses points."""
    case = next(case for case in MUTANTS.values() if case["exercise"] == exercise)
    report = grade(materialize(case, tmp_path / "sub"), oracle, PUBLIC, LIMITS)
    for name, e in report.exercises.items():
        if name == exercise:
            assert e.score < e.max_score
        else:
            assert e.score == e.max_score, (name, [t.message for t in failed(e)])
