"""Grading one wrong submission, timed: what the feedback engine (combinations, parts, probes, pitfalls) costs.

Opt-in, like the class-grading benchmark (it grades in child processes, and its results are not of the
RNN/attention families that benchmarks.report reads): it runs when this file is named on the command line, or with
SEQLAB_BENCH_FEEDBACK=1:

    .venv/bin/python -m pytest benchmarks/test_feedback.py --benchmark-json=benchmarks/results/feedback.json

In-process `grade(...)` on public inputs, as `seqlab grade` runs it after its start-up:
* a whole folder whose four exercises each make two or three mistakes at once (tests/corpus/combined), judged by
  reference/ and by a release's public data;
* each exercise alone: a combined-mistake submission (named: the search stops at the smallest size that explains
  it) and one with a mistake of its own (tests/corpus/conventions: no combination explains it, so every
  combination of up to three switches is tried).
extra_info holds the CPU seconds of the grading process and of its children, and the load average around the
rounds: on a shared machine the wall time depends on what else runs.
"""

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from seqlab.grading.grader import grade
from seqlab.grading.oracle import DataOracle, ReferenceOracle
from seqlab.grading.registry import EXERCISES
from seqlab.grading.seeds import PUBLIC
from tests.corpus import load, materialize

ROUNDS = 5
COMBINED, CONVENTIONS = load("combined"), load("conventions")


def _selected(config) -> bool:
    return os.environ.get("SEQLAB_BENCH_FEEDBACK") == "1" or any("test_feedback" in str(a) for a in config.args)


@pytest.fixture(scope="module", autouse=True)
def opt_in(pytestconfig):
    if not _selected(pytestconfig):
        pytest.skip("feedback benchmarks are opt-in: name benchmarks/test_feedback.py or set SEQLAB_BENCH_FEEDBACK=1")


@pytest.fixture(scope="module")
def root():
    folder = Path(tempfile.mkdtemp(prefix="seqlab-feedback-bench-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def reference():
    return ReferenceOracle()


@pytest.fixture(scope="module")
def public_data(root):
    from seqlab.course.release import export_public

    export_public(root / "public_data")
    return DataOracle(root / "public_data")


def _first(cases: dict, exercise: str, wrong: bool) -> tuple[str, dict]:
    return next((name, case) for name, case in cases.items()
                if case["exercise"] == exercise and (not wrong or not case.get("full_marks")))


@pytest.fixture(scope="module")
def wrong_folder(root):
    """One combined-mistake submission per exercise, in one folder."""
    folder = root / "all_wrong"
    for exercise in EXERCISES:
        materialize(_first(COMBINED, exercise, True)[1], folder, key=False)
    return folder


def _timed(benchmark, run, **info):
    cpu = lambda: (time.process_time(), sum(getattr(resource.getrusage(resource.RUSAGE_CHILDREN), f)
                                            for f in ("ru_utime", "ru_stime")))
    load, (own, children) = os.getloadavg()[0], cpu()
    report = benchmark.pedantic(run, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    own_after, children_after = cpu()
    benchmark.extra_info.update({
        "family": "feedback", "cores": len(os.sched_getaffinity(0)), **info,
        "cpu_seconds_per_round": {"grading_process": round((own_after - own) / (ROUNDS + 1), 3),
                                  "children": round((children_after - children) / (ROUNDS + 1), 3)},
        "load_average_before_after": [round(load, 2), round(os.getloadavg()[0], 2)]})
    return report


@pytest.mark.parametrize("oracle_kind", ["reference", "public_data"])
def test_grade_a_wrong_folder(benchmark, request, wrong_folder, oracle_kind):
    oracle = request.getfixturevalue(oracle_kind)
    report = _timed(benchmark, lambda: grade(wrong_folder, oracle, PUBLIC), submission="all four exercises wrong",
                    oracle=oracle.kind)
    assert all(any(t.mistakes for t in e.tests) for e in report.exercises.values())


@pytest.mark.parametrize("kind", ["combined", "own_mistake"])
@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_grade_one_wrong_exercise(benchmark, root, reference, exercise, kind):
    name, case = _first(COMBINED if kind == "combined" else CONVENTIONS, exercise, wrong=True)
    folder = materialize(case, root / kind / exercise, key=False)
    report = _timed(benchmark, lambda: grade(folder, reference, PUBLIC, only=exercise), submission=name,
                    exercise=exercise)
    failed = [t for t in report.exercises[exercise].tests if not t.passed]
    assert failed and (kind == "own_mistake") != any(t.mistakes for t in failed)
