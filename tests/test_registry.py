"""The registry of exercises is the only list of them: every other place agrees with it, and each spec is whole.

What each exercise is made of (docs/adding-an-exercise.md): its spec folder (seqlab/grading/exercises/<name>/),
solutions/<name>.py, reference/<name>.py, reference/mistakes/<name>.py, a free-response section and its corpus.
"""

import ast
import importlib
import sys
from pathlib import Path

import pytest

from seqlab.course.nbgrade.build import QUESTIONS_FILE, parse_questions
from seqlab.grading.registry import EXERCISES, get, max_total, mistake
from tests.corpus import load

REPO = Path(__file__).resolve().parents[1]
NUMPY_AND_STANDARD_LIBRARY = {"numpy", *sys.stdlib_module_names}


def test_points_are_the_courses():
    """DESIGN.md: 25 points per exercise, 100 in all; the one place these numbers are written in the tests."""
    assert {e.max_score for e in EXERCISES.values()} == {25} and max_total() == 100


def test_every_file_of_an_exercise_exists_and_nothing_else_claims_to_be_one():
    names = set(EXERCISES)
    assert {p.stem for p in (REPO / "solutions").glob("*.py")} == names
    assert {p.stem for p in (REPO / "exercises").glob("*.py")} == names
    assert names <= {p.stem for p in (REPO / "reference").glob("*.py")}
    assert {p.stem for p in (REPO / "reference" / "mistakes").glob("*.py")} - {"__init__"} == names
    assert set(parse_questions((REPO / "solutions" / QUESTIONS_FILE).read_text())) == names
    assert {case["exercise"] for case in load("mutants").values()} == names
    assert [e.position for e in EXERCISES.values()] == sorted(e.position for e in EXERCISES.values())


@pytest.mark.parametrize("name", list(EXERCISES))
def test_the_spec_is_whole(name):
    exercise = get(name)
    calls = exercise.calls
    assert exercise.checks and exercise.mistakes
    for check in exercise.checks:
        assert callable(getattr(calls, check.call, None)), f"{name}: no call {check.call} in calls.py"
        assert check.points > 0 and check.summary
    for source in ("solutions", "reference"):
        module = importlib.import_module(f"{source}.{name}")
        missing = [n for n in exercise.api if not hasattr(module, n)]
        assert not missing, f"{source}/{name}.py lacks the API names {missing}"


@pytest.mark.parametrize("name", list(EXERCISES))
def test_every_known_mistake_has_its_variant_and_its_id(name):
    exercise = get(name)
    module = importlib.import_module(f"reference.mistakes.{name}")
    assert list(module.SWITCHES) == [m.key for m in exercise.mistakes], "the same keys, in the spec's order"
    for m in exercise.mistakes:
        assert module.SWITCHES[m.key] and hasattr(module.variant(**module.SWITCHES[m.key]), exercise.api[0])
        assert m.id == f"{name}.{m.key}" and mistake(m.id) is m and m.message
        assert m.key.isidentifier() and m.key == m.key.lower()
    assert len({m.message for m in exercise.mistakes}) == len(exercise.mistakes)


@pytest.mark.parametrize("name", list(EXERCISES))
def test_calls_run_in_the_child_with_numpy_and_the_standard_library_only(name):
    tree = ast.parse(get(name).calls_source)
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= NUMPY_AND_STANDARD_LIBRARY, imported
