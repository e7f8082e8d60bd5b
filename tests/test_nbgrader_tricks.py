"""Notebooks that neuter their tests inside the kernel get no credit from seqlab's autograde, by re-grading.

Three techniques, each in a submission whose softmax is wrong:

* an IPython input transformer that wraps every later cell in try/except,
* an AST transformer that turns every call to the test function (and every assert) into nothing,
* a softmax that returns an object whose __array_function__ answers True to every numpy function.

In a kernel (what a stock nbgrader autograde does) each one passes a test cell: the test proves the trick is
real. seqlab's autograde builds the module from the answer cells without a kernel and grades it like the .py
file with the same code: the score is the code's, and a trick next to correct code costs nothing (no pattern is
matched against the tricks).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")
pytest.importorskip("nbclient")
pytestmark = pytest.mark.slow

from seqlab.grading.grader import grade  # noqa: E402
from seqlab.notebooks.cells import answer_sources, exercise_module, notebook_template, read_cells  # noqa: E402
from seqlab.grading.oracle import ReferenceOracle  # noqa: E402
from seqlab.grading.seeds import ASSIGNMENT, PUBLIC  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NB = f"{ASSIGNMENT}.ipynb"

INPUT_TRANSFORMER = '''def _swallow(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]


get_ipython().input_transformers_post.append(_swallow)'''

AST_TRANSFORMER = '''import ast


class _Quiet(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "check_exercise":
            return ast.copy_location(ast.Constant(None), node)
        return node

    def visit_Assert(self, node):
        return ast.copy_location(ast.Pass(), node)


get_ipython().ast_transformers.append(_Quiet())'''

NAIVE_SOFTMAX = '''def softmax(x, axis=-1):
    e = np.exp(x)  # no max subtraction: overflows for logits of magnitude 1e4
    return e / np.sum(e, axis=axis, keepdims=True)'''

LYING_SOFTMAX = '''class _Agree:
    """Every numpy function called on it answers True: np.allclose(this, anything) is True."""

    def __array_function__(self, func, types, args, kwargs):
        return True


def softmax(x, axis=-1):
    return _Agree()'''

# What a stock nbgrader course's test cell looks like: the comparison runs in the student's kernel.
IN_KERNEL_TEST = '''import numpy as np
x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1e4]])
expected = np.exp(x - x.max(axis=-1, keepdims=True))
expected /= expected.sum(axis=-1, keepdims=True)
assert np.allclose(softmax(x), expected)'''

TECHNIQUES = {
    "input_transformer": (INPUT_TRANSFORMER, NAIVE_SOFTMAX, "ours"),
    "ast_transformer": (AST_TRANSFORMER, NAIVE_SOFTMAX, "ours"),
    "array_function": (None, LYING_SOFTMAX, "in_kernel"),
}


def meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def build(trick: str | None, softmax: str | None) -> dict:
    """The student notebook with the answer key in every answer cell, `softmax` instead of the right one, and the
    trick in a cell of its own, added at the top."""
    release = json.loads((REPO / "exercises" / ASSIGNMENT / NB).read_text())
    key = answer_sources(read_cells(REPO / "solutions" / ASSIGNMENT / NB))
    for cell in release["cells"]:
        gid = meta(cell).get("grade_id", "")
        if gid in key and cell["cell_type"] == "code":
            is_softmax = gid.startswith("attention-") and gid.endswith("-softmax")
            cell["source"] = softmax if (softmax and is_softmax) else key[gid]
    if trick:
        release["cells"].insert(1, nbformat.v4.new_code_cell(trick, id="trick"))
    return release


def statically_graded(nb: dict) -> float:
    """What seqlab's autograde gives the attention exercise: the module from the answer cells, graded in a child."""
    release = read_cells(REPO / "exercises" / ASSIGNMENT / NB)
    module = exercise_module("attention", notebook_template(release), answer_sources(nb["cells"]))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "attention.py").write_text(module)
        return grade(Path(tmp), ReferenceOracle(), PUBLIC, only="attention").exercises["attention"].score


def py_graded(softmax: str) -> float:
    """The same code as exercises/attention.py would be."""
    source = re.sub(r"def softmax\(x, axis=-1\):.*?### END SOLUTION\n", softmax + "\n",
                    (REPO / "solutions" / "attention.py").read_text(), flags=re.S)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "attention.py").write_text(source)
        return grade(Path(tmp), ReferenceOracle(), PUBLIC, only="attention").exercises["attention"].score


def run_in_kernel(nb: dict, folder: Path, which: str) -> "nbformat.NotebookNode":
    """Saves `nb` as the student would, then executes its trick, the attention cells and a test cell in a kernel."""
    from nbclient import NotebookClient

    (folder / NB).write_text(json.dumps(nb))
    nb = nbformat.reads(json.dumps(nb), as_version=4)  # sources as strings
    keep = [c for c in nb["cells"] if c.get("id") == "trick" or meta(c).get("grade_id", "").startswith("attention-")
            and c["cell_type"] == "code" and not meta(c)["grade_id"].endswith("-tests")]
    test = next(c for c in nb["cells"] if meta(c).get("grade_id") == "attention-tests")
    if which == "in_kernel":
        test = nbformat.v4.new_code_cell(IN_KERNEL_TEST, id="stock-test", metadata={"nbgrader": dict(meta(test))})
    executed = nbformat.v4.new_notebook(cells=keep + [test], metadata=nb["metadata"])
    NotebookClient(executed, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return executed


@pytest.mark.parametrize("technique", sorted(TECHNIQUES))
def test_a_trick_that_fools_a_kernel_earns_nothing_from_seqlab(technique, tmp_path, monkeypatch):
    from nbgrader.utils import determine_grade

    trick, softmax, which = TECHNIQUES[technique]
    nb = build(trick, softmax)
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the kernel imports seqlab as a student's install would
    executed = run_in_kernel(nb, tmp_path, which)
    fooled, points = determine_grade(executed.cells[-1])
    assert fooled == points == 25, f"the trick did not fool the kernel: {executed.cells[-1].outputs}"

    honest = py_graded(softmax)
    assert honest < 25
    assert statically_graded(nb) == honest


@pytest.mark.parametrize("technique", ["input_transformer", "ast_transformer"])
def test_a_trick_beside_correct_code_costs_nothing(technique):
    assert statically_graded(build(TECHNIQUES[technique][0], None)) == 25


def test_the_lying_object_does_not_fool_our_own_test_cell_either(tmp_path, monkeypatch):
    from nbgrader.utils import determine_grade

    monkeypatch.setenv("PYTHONPATH", str(REPO))
    executed = run_in_kernel(build(None, LYING_SOFTMAX), tmp_path, "ours")
    assert determine_grade(executed.cells[-1])[0] < 25  # it grades the saved answer cells in a child process
