"""The student release: stubs, grading tool and public checks, and no answers."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from seqlab.course.lesson_files import lesson_files
from seqlab.course.release import NEVER
from seqlab.course.stubs import solution_regions
from seqlab.grading.registry import EXERCISES


def test_release_holds_no_answer_key_reference_or_corpus(release):
    names = {p.name for p in release.rglob("*")}
    for forbidden in NEVER:
        assert forbidden not in names, f"{forbidden} shipped in the release"
    assert not list(release.rglob("mistakes"))


def _telling(code):
    """A line of an answer worth looking for: one that computes (calls numpy or applies an operator), of some
    length, not a comment and not a loop or branch header. Bookkeeping such as `for t in range(T):` or
    `H = self.hidden_size` says nothing of an answer and is common in any RNN code; the lines it governs do."""
    return (len(code) > 15 and not code.startswith("#") and not code.endswith(":")
            and re.search(r"np\.|[-+*/@]", code) is not None)


def test_no_line_of_any_solution_region_is_in_the_release(repo, release):
    answer_lines = set()
    for solution in (repo / "solutions").glob("*.py"):
        lines = solution.read_text().splitlines()
        for first, last, _ in solution_regions(solution.read_text()):
            answer_lines |= {l.strip() for l in lines[first + 1:last] if _telling(l.strip())}
    assert answer_lines, "the answer key has no solution lines to look for"
    for path in release.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".ipynb", ".md", ".json", ".txt"):
            text = path.read_text(errors="replace")
            leaked = [line for line in answer_lines if line in text]
            assert not leaked, f"{path.relative_to(release)} contains answer lines: {leaked[:3]}"


def _code_lines(path):
    """The statements of every function body in path (docstrings and comments left out), stripped, as text."""
    source = path.read_text()
    lines = source.splitlines()
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            for statement in body:
                for line in lines[statement.lineno - 1:statement.end_lineno]:
                    code = line.split("  #")[0].strip()
                    if _telling(code):
                        found.add(code)
    return found


def test_no_line_of_a_reference_implementation_is_in_the_lesson_the_release_carries(repo, release):
    """Nor of the suite's numpy attention: the lesson's code, notebook, data, results and guides hold none.

    A line the stubs themselves give (a helper like the GRU's sigmoid, an argument check) is no answer: it ships in
    exercises/ by design, so it is not looked for. (The grader's own messages may name a fix once a student has
    made that mistake; they are not the lesson's.)
    """
    given = set().union(*(_code_lines(p) for p in (repo / "exercises").glob("*.py")))
    sources = [repo / "reference" / f"{name}.py" for name in EXERCISES] + [repo / "benchmarks" / "numpy_attention.py"]
    per_source = {p.name: _code_lines(p) - given for p in sources}
    assert all(per_source.values()), f"a reference implementation has no line to look for: {per_source}"
    answer_lines = set().union(*per_source.values())
    lesson = [*(release / "lesson").rglob("*"), *(release / "benchmarks").rglob("*"), release / "docs" / "lesson.md",
              release / "README.md"]
    shipped = [p for p in lesson if p.is_file() and p.suffix in (".py", ".ipynb", ".md", ".json", ".txt", ".csv")]
    assert any(p.parts[-2:] == ("models", "rnn.py") for p in shipped), "the lesson's code is not in the release"
    for path in shipped:
        text = path.read_text(errors="replace")
        leaked = sorted(line for line in answer_lines if line in text)
        assert not leaked, f"{path.relative_to(release)} contains reference lines: {leaked[:3]}"


def _grade_json(folder, cwd, tmp_path, name):
    out = tmp_path / f"{name}.json"
    subprocess.run([sys.executable, "-m", "seqlab", "grade", str(folder), "--json", str(out)],
                   cwd=cwd, check=True, capture_output=True, text=True, timeout=120)
    import json
    return json.loads(out.read_text())


def test_release_grades_with_public_data_exactly_as_the_instructor_repo(repo, release, tmp_path):
    """Inside the release (no reference/) the answer key scores 100 and the stubs 0, as in the repo."""
    in_release = _grade_json(repo / "solutions", release, tmp_path, "release-key")
    in_repo = _grade_json(repo / "solutions", repo, tmp_path, "repo-key")
    assert in_release["meta"]["oracle"] == "public data" and in_repo["meta"]["oracle"] == "reference"
    assert in_release["total"] == in_repo["total"] == 100
    stubs = _grade_json(release / "exercises", release, tmp_path, "release-stubs")
    assert stubs["total"] == 0
    assert in_release["meta"]["reference_hash"] == in_repo["meta"]["reference_hash"]


PUBLIC_DATA_LIMIT = 10 * 1024 * 1024  # the bound on what a release ships as data


def test_release_diagnoses_exactly_as_the_instructor_repo(repo, release, tmp_path):
    """The same mistakes, parts, probes, findings and words from the public data as from reference/: one folder
    with a combined-mistake submission per exercise (tests/corpus/combined)."""
    from seqlab.grading.registry import EXERCISES
    from tests.corpus import load, materialize

    cases = load("combined")
    folder = tmp_path / "wrong"
    for name in EXERCISES:
        case = next(c for c in cases.values() if c["exercise"] == name)
        materialize(case, folder, key=False)
    in_release = _grade_json(folder, release, tmp_path, "release-wrong")
    in_repo = _grade_json(folder, repo, tmp_path, "repo-wrong")
    assert in_release["total"] == in_repo["total"] < 100
    named = 0
    for name in EXERCISES:
        # everything but the rerun line, which names the interpreter as seen from where it ran (release or repo)
        ours, theirs = ([{k: v for k, v in t.items() if k != "rerun"} for t in report["exercises"][name]["tests"]]
                        for report in (in_release, in_repo))
        assert ours == theirs
        named += sum(bool(t["mistakes"]) for t in ours)
    assert named >= len(EXERCISES)
    size = sum(p.stat().st_size for p in (release / "seqlab" / "grading" / "public_data").iterdir())
    assert size < PUBLIC_DATA_LIMIT, size


def test_release_refuses_official_grading(release, repo):
    run = subprocess.run([sys.executable, "-m", "seqlab", "grade", str(repo / "solutions"), "--official",
                          "--student", "s1"], cwd=release, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "instructor" in (run.stderr + run.stdout)


def test_the_lesson_ships_what_it_imports_and_never_instructor_material(repo, tmp_path):
    shipped = lesson_files(repo)
    for needed in ("lesson/models/rnn.py", "lesson/exercise_code.py", "benchmarks/lesson_grid.py",
                   "benchmarks/rnn_impls.py", "benchmarks/__init__.py"):
        assert Path(needed) in shipped, needed
    assert Path("benchmarks/numpy_attention.py") not in shipped and Path("benchmarks/oracle.py") not in shipped
    assert not [p for p in shipped if p.parts[0] not in ("lesson", "benchmarks")]
    # A module outside lesson/ is followed from the import that reaches it, and refused if it reaches reference/.
    for folder in ("lesson", "helpers"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "lesson" / "a.py").write_text("import numpy as np\nfrom helpers import tool\n")
    (tmp_path / "helpers" / "tool.py").write_text("X = 1\n")
    (tmp_path / "helpers" / "unused.py").write_text("X = 2\n")
    assert lesson_files(tmp_path) == [Path("helpers/__init__.py"), Path("helpers/tool.py"),
                                      Path("lesson/__init__.py"), Path("lesson/a.py")]
    (tmp_path / "helpers" / "tool.py").write_text("from reference.gru import GRUCell\n")
    with pytest.raises(ValueError, match=r"helpers/tool.py imports reference.gru: instructor material"):
        lesson_files(tmp_path)
