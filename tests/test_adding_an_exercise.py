"""docs/adding-an-exercise.md, followed to the letter: a fifth exercise (relu, one check) added to a copy of the kit.

Only the files that the guide lists are written: the exercise's spec folder, solutions/relu.py, reference/relu.py,
reference/mistakes/relu.py and a free-response section. Then, in the copy, as a maintainer types them: the stubs
are regenerated, the answer key is graded (full marks, relu included), a wrong relu is named by its mistake's
id, the instructor notebook gets relu's cells, and a student release grades relu from its public data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SPEC = '''
"""The exercise exercises/relu.py: relu(x)."""

from seqlab.grading.spec import Check, Exercise, mistakes, normal

NAME = "relu"

MISTAKES = mistakes(
    NAME,
    ("absolute_value", "relu(x) is max(x, 0): negative entries become 0, not |x|"),
)


def _inputs(rng):
    return {"x": normal(rng, (3, 4))}, {}


EXERCISE = Exercise(
    name=NAME,
    position=5,
    title="ReLU",
    api=("relu",),
    checks=(Check("relu_2d", 4, "relu", "relu of a 3x4 array with both signs", _inputs),),
    mistakes=MISTAKES,
)
'''

CALLS = '''
"""How the checks of relu call relu (numpy only)."""


def relu(api, arrays, args):
    x = arrays["x"]
    return {"y": api.relu(x), "input:x": x}
'''

SOLUTION = '''
"""Exercise 5: the rectified linear unit.

    relu(x) = max(x, 0), elementwise.
"""

import numpy as np


def relu(x):
    """Inputs: x, an array of any shape. Returns: max(x, 0) elementwise, same shape and dtype.

    Hint: numpy has an elementwise maximum.
    """
    ### BEGIN SOLUTION
    return np.maximum(x, 0.0)
    ### END SOLUTION
'''

REFERENCE = '''
"""relu(x) = max(x, 0)."""

import numpy as np


def relu(x):
    return np.maximum(x, 0.0)
'''

MISTAKE_VARIANTS = '''
"""Known mistakes in relu."""

from types import SimpleNamespace

import numpy as np

VARIANTS = {
    "absolute_value": SimpleNamespace(relu=np.abs),
}
'''

QUESTION = '''

## relu
Points: 2

### Question
Why does a ReLU network not saturate the way a tanh network does?

### Model answer
Its derivative is 1 for every positive input, however large.

### Rubric
- 2 points: the derivative does not shrink for large positive inputs.
'''

WRONG = "import numpy as np\n\n\ndef relu(x):\n    return np.abs(x)\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """A copy of the kit with relu added as the guide says (and nothing else changed)."""
    root = tmp_path_factory.mktemp("kit") / "seqlab-kit"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "public_data")
    for name in ("seqlab", "reference", "solutions", "exercises"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "Makefile"):
        shutil.copy2(REPO / name, root / name)
    _write(root / "seqlab/grading/exercises/relu/__init__.py", SPEC)
    _write(root / "seqlab/grading/exercises/relu/calls.py", CALLS)
    _write(root / "solutions/relu.py", SOLUTION)
    _write(root / "reference/relu.py", REFERENCE)
    _write(root / "reference/mistakes/relu.py", MISTAKE_VARIANTS)
    with (root / "solutions/free_response.md").open("a") as handle:
        handle.write(QUESTION)
    return root


def seqlab(kit: Path, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m seqlab ...` run from `cwd` (default: the copy), importing the copy's seqlab, not this one's."""
    return subprocess.run([sys.executable, "-m", "seqlab", *map(str, args)], cwd=cwd or kit, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(cwd or kit)))


def test_stubs_are_generated_for_the_new_exercise(kit):
    done = seqlab(kit, "stubs")
    assert done.returncode == 0 and "relu.py" in done.stdout, done.stdout + done.stderr
    stub = (kit / "exercises/relu.py").read_text()
    assert "raise NotImplementedError()" in stub and "np.maximum" not in stub


def test_the_answer_key_scores_full_marks_and_a_wrong_relu_is_named(kit, tmp_path):
    report = tmp_path / "key.json"
    done = seqlab(kit, "grade", "solutions", "--json", report)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    assert list(data["exercises"])[-1] == "relu" and data["exercises"]["relu"]["score"] == 4
    assert data["total"] == data["max_total"] == 104
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / "relu.py").write_text(WRONG)
    done = seqlab(kit, "grade", wrong, "--only", "relu", "--json", tmp_path / "wrong.json")
    [check] = json.loads((tmp_path / "wrong.json").read_text())["exercises"]["relu"]["tests"]
    assert not check["passed"] and check["mistakes"] == ["relu.absolute_value"]
    assert "not |x|" in done.stdout
    assert seqlab(kit, "grade", "solutions", "--only", "relu", "--check", "relu_2d").returncode == 0


def test_the_notebook_gets_the_new_exercise(kit):
    pytest.importorskip("nbformat")
    done = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                           "from seqlab.course.nbgrade.build import build_source; "
                           "nb = build_source(Path('solutions')); "
                           "print([(c.metadata['nbgrader']['grade_id'], c.metadata['nbgrader'].get('points')) "
                           "for c in nb.cells if 'nbgrader' in c.metadata and c.metadata['nbgrader']['grade'] "
                           "and c.metadata['nbgrader']['grade_id'].startswith('relu')])"],
                          cwd=kit, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(kit)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('relu-tests', 4), ('relu-answer', 2)]"


def test_a_release_of_the_copy_grades_the_new_exercise_from_public_data(kit, tmp_path):
    seqlab(kit, "stubs")
    out = tmp_path / "release"
    done = seqlab(kit, "release", out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "exercises/relu.py").is_file() and (out / "seqlab/grading/public_data/relu.npz").is_file()
    assert not (out / "reference").exists() and not (out / "solutions").exists()
    report = tmp_path / "release.json"
    assert seqlab(kit, "grade", kit / "solutions", "--json", report, cwd=out).returncode == 0
    data = json.loads(report.read_text())
    assert data["meta"]["oracle"] == "public data" and data["exercises"]["relu"]["score"] == 4
    stubs = tmp_path / "stubs.json"
    seqlab(kit, "grade", out / "exercises", "--json", stubs, cwd=out)
    assert json.loads(stubs.read_text())["exercises"]["relu"]["score"] == 0
