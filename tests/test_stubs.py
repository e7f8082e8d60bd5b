"""exercises/ is generated from solutions/: in sync, and identical outside the marked regions."""

import ast

import pytest

from seqlab.grading.registry import EXERCISES
from seqlab.course.stubs import MarkerError, generate, make_stub, solution_regions


def test_exercises_folder_is_up_to_date(repo, tmp_path):
    stale = generate(repo / "solutions", repo / "exercises", check_only=True)
    assert stale == [], f"run `python -m seqlab stubs`: {stale} differ from what solutions/ generates"


@pytest.mark.parametrize("name", list(EXERCISES))
def test_stub_equals_solution_outside_marked_regions(repo, name):
    """Same AST once each marked region is replaced: docstrings, hints and helpers are all kept."""
    solution = (repo / "solutions" / f"{name}.py").read_text()
    stub = (repo / "exercises" / f"{name}.py").read_text()
    assert ast.dump(ast.parse(make_stub(solution))) == ast.dump(ast.parse(stub))
    assert "### BEGIN SOLUTION" not in stub and "### END SOLUTION" not in stub
    assert stub.count("raise NotImplementedError()") == len(solution_regions(solution))


@pytest.mark.parametrize("name", list(EXERCISES))
def test_no_solution_line_survives_in_the_stub(repo, name):
    solution = (repo / "solutions" / f"{name}.py").read_text()
    stub_lines = set((repo / "exercises" / f"{name}.py").read_text().splitlines())
    lines = solution.splitlines()
    for first, last, _ in solution_regions(solution):
        for line in lines[first + 1:last]:
            if line.strip() and not line.strip().startswith("#") and len(line.strip()) > 12:
                assert line not in stub_lines, f"solution line leaked into the stub: {line.strip()}"


def test_stub_keeps_indentation_of_each_region():
    source = "def f(x):\n    '''doc'''\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert make_stub(source) == ("def f(x):\n    '''doc'''\n    # YOUR CODE HERE\n"
                                 "    raise NotImplementedError()\n")


@pytest.mark.parametrize("source, problem", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", "without a BEGIN"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", "inside another region"),
    ("def f():\n    return 1\n", "no ### BEGIN SOLUTION"),
    ("def f():\n    x = 1  ### BEGIN SOLUTION\n", "alone on its line"),
])
def test_malformed_markers_are_rejected_with_a_reason(source, problem):
    with pytest.raises(MarkerError, match=problem):
        make_stub(source, "bad.py")
