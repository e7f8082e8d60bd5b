"""The grader against the mutant corpus: realistic wrong submissions must lose points and be told why.

Each file tests/corpus/mutants/<exercise>/<name>.py is a whole student module that makes one mistake. Its
docstring starts with

    MISTAKE: <what the student did wrong>
    EXPECT: <regex, case-insensitive, that the grader's message for that exercise must match>

A mutant is graded in a submission folder that holds it as its exercise and the answer key (solutions/) for
the other three. Each exercise runs in its own child and is judged on its own file alone, so each mutant is
graded with only=<its exercise>; that the answer key keeps full marks is shown once for solutions/ and, for
one mutant per exercise, on the mutant's whole folder.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from seqlab.exercises import EXERCISES
from seqlab.grader import grade
from seqlab.oracle import ReferenceOracle
from seqlab.sandbox import Limits
from seqlab.seeds import PUBLIC

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "corpus" / "mutants"
SOLUTIONS = REPO / "solutions"
STUBS = REPO / "exercises"
LIMITS = Limits(wall_seconds=30)  # generous: the machine is shared; a mutant takes well under a second
MIN_PER_EXERCISE = 10
MIN_RECOGNISED = 8

MUTANTS = sorted(CORPUS.glob("*/*.py"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def header(path: Path) -> tuple[str, str]:
    """(mistake, expect regex) from the first lines of the module's docstring."""
    text = path.read_text()
    mistake = re.search(r'^"""MISTAKE: (.+)$', text, re.M)
    expect = re.search(r"^EXPECT: (.+)$", text, re.M)
    assert mistake and expect, f"{path} must start with a docstring 'MISTAKE: ...' line and an 'EXPECT: ...' line"
    return mistake.group(1).strip(), expect.group(1).strip()


def submission(folder: Path, exercise: str | None = None, module: Path | None = None) -> Path:
    """The answer key's four files, with `module` standing in for `exercise`."""
    folder.mkdir(parents=True)
    for name in EXERCISES:
        shutil.copyfile(SOLUTIONS / f"{name}.py", folder / f"{name}.py")
    if module is not None:
        shutil.copyfile(module, folder / f"{exercise}.py")
    return folder


@pytest.fixture(scope="module")
def oracle():
    return ReferenceOracle(REPO)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, oracle):
    """Every mutant's exercise report, graded two at a time (2 cores)."""
    root = tmp_path_factory.mktemp("mutants")

    def run(path: Path):
        exercise = path.parent.name
        folder = submission(root / exercise / path.stem, exercise, path)
        return grade(folder, oracle, PUBLIC, LIMITS, only=exercise).exercises[exercise]

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(MUTANTS, pool.map(run, MUTANTS)))


def failed_messages(report) -> list[str]:
    return [t.message for t in report.tests if not t.passed]


def recognised(path: Path, report) -> bool:
    _, expect = header(path)
    return any(re.search(expect, message, re.I) for message in failed_messages(report))


# ---------------------------------------------------------------------------------------------------
# The corpus itself
# ---------------------------------------------------------------------------------------------------


def test_corpus_has_enough_mutants_per_exercise():
    counts = {name: len(list((CORPUS / name).glob("*.py"))) for name in EXERCISES}
    assert all(n >= MIN_PER_EXERCISE for n in counts.values()), counts
    assert {p.parent.name for p in MUTANTS} == set(EXERCISES), "a mutant folder that is no exercise"


@pytest.mark.parametrize("path", MUTANTS, ids=_id)
def test_mutant_header(path):
    mistake, expect = header(path)
    assert len(mistake) > 10
    re.compile(expect, re.I)


# ---------------------------------------------------------------------------------------------------
# The answer key and the untouched stubs
# ---------------------------------------------------------------------------------------------------


def test_solutions_score_full_marks(oracle):
    report = grade(SOLUTIONS, oracle, PUBLIC, LIMITS)
    failures = {name: failed_messages(e) for name, e in report.exercises.items() if e.score != e.max_score}
    assert report.total == report.max_total == 100, failures


def test_stubs_score_zero_and_say_not_implemented(oracle):
    report = grade(STUBS, oracle, PUBLIC, LIMITS)
    assert report.total == 0 and report.max_total == 100
    for name, exercise in report.exercises.items():
        for t in exercise.tests:
            assert not t.passed and t.points == 0
            assert "not implemented yet" in t.message, (name, t.name, t.message)
            assert "Traceback" not in t.message
    assert "Traceback" not in report.render()


# ---------------------------------------------------------------------------------------------------
# Each mutant
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MUTANTS, ids=_id)
def test_mutant_loses_points(path, graded):
    report = graded[path]
    mistake, _ = header(path)
    assert report.score < report.max_score, f"{_id(path)} ({mistake}) kept full marks"


@pytest.mark.parametrize("path", MUTANTS, ids=_id)
def test_mutant_mistake_is_named(path, graded):
    report = graded[path]
    mistake, expect = header(path)
    messages = failed_messages(report)
    assert all("Traceback" not in m for m in messages)
    assert recognised(path, report), (
        f"{_id(path)} ({mistake}): no failed check's message matches /{expect}/; the messages were:\n  "
        + "\n  ".join(f"{t.name}: {t.message}" for t in report.tests if not t.passed)
    )


@pytest.mark.parametrize("path", MUTANTS, ids=_id)
def test_mutant_is_not_misdiagnosed(path, graded):
    """A check may go undiagnosed, but a diagnosis it gets must be the mutant's own mistake, not another one."""
    mistake, expect = header(path)
    wrong = {t.name: t.diagnosis for t in graded[path].tests
             if not t.passed and t.diagnosis and not re.search(expect, t.diagnosis, re.I)}
    assert not wrong, f"{_id(path)} ({mistake}) was told of another mistake: {wrong}"


def test_enough_distinct_mistakes_recognised(graded):
    """Counts distinct EXPECT patterns (not files) whose mistake the grader named, per exercise."""
    named = defaultdict(set)
    for path, report in graded.items():
        if recognised(path, report):
            named[path.parent.name].add(header(path)[1])
    short = {name: sorted(named[name]) for name in EXERCISES if len(named[name]) < MIN_RECOGNISED}
    assert not short, f"fewer than {MIN_RECOGNISED} distinct mistakes recognised: {short}"


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_other_exercises_keep_full_marks(exercise, oracle, tmp_path):
    """A whole folder, one mutant in it: only the mutant's exercise loses points."""
    path = sorted((CORPUS / exercise).glob("*.py"))[0]
    report = grade(submission(tmp_path / "sub", exercise, path), oracle, PUBLIC, LIMITS)
    for name, e in report.exercises.items():
        if name == exercise:
            assert e.score < e.max_score
        else:
            assert e.score == e.max_score, (name, failed_messages(e))
