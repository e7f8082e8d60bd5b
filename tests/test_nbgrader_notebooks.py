"""The nbgrader notebooks: generated from the answer key, free of it once released, graded like the .py files."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from seqlab.grading.registry import EXERCISES
from seqlab.grading.report import CheckResult, ExerciseReport, Report
from seqlab.grading.seeds import ASSIGNMENT
from seqlab.notebooks.cells import TemplateCell, answer_sources, exercise_module, notebook_template, read_cells
from seqlab.notebooks.check import check_exercise, verdict

REPO = Path(__file__).resolve().parents[1]
NB = f"{ASSIGNMENT}.ipynb"
SOURCE = REPO / "solutions" / ASSIGNMENT / NB
STUDENT = REPO / "exercises" / ASSIGNMENT / NB
FORBIDDEN = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", 'inputs = "official"', "Model answer", "Rubric")


def cells_of(path: Path) -> list[dict]:
    return read_cells(path)


def meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def body_of(path: Path) -> str:
    """A module's text after its docstring (the notebook shows the docstring as the exercise's introduction)."""
    source = path.read_text()
    docstring_end = ast.parse(source).body[0].end_lineno
    return "\n".join(source.splitlines()[docstring_end:]).strip("\n") + "\n"


def solution_lines() -> set[str]:
    lines = set()
    for name in EXERCISES:
        inside = False
        for line in (REPO / "solutions" / f"{name}.py").read_text().splitlines():
            if "SOLUTION" in line and line.strip().startswith("###"):
                inside = "BEGIN" in line
            elif inside and len(line.strip()) > 20:
                lines.add(line.strip())
    return lines


# --- generation and drift ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_committed_notebooks_are_what_the_answer_key_and_nbgrader_make():
    pytest.importorskip("nbgrader")
    from seqlab.course.nbgrade.build import generate

    assert generate(REPO, check_only=True) == [], "stale notebooks: run `python -m seqlab notebooks`"


def test_assignment_folders_hold_only_the_notebook():
    for folder in (SOURCE.parent, STUDENT.parent):
        assert sorted(p.name for p in folder.iterdir() if p.name != ".ipynb_checkpoints") == [NB], folder


def test_the_lesson_is_not_part_of_the_graded_assignment():
    graded = {p.resolve() for p in (REPO / "solutions").glob("*/*.ipynb")}
    assert not any(REPO / "lesson" in p.parents for p in graded)


def test_student_notebook_holds_no_answer_key():
    raw = STUDENT.read_text()
    for marker in FORBIDDEN:
        assert marker not in raw, marker
    leaked = [line for line in solution_lines() if line in raw]
    assert not leaked, leaked[:5]
    answers = [c for c in cells_of(STUDENT) if meta(c).get("solution") and c["cell_type"] == "code"]
    assert answers and all("raise NotImplementedError()" in text(c) for c in answers)
    written = [c for c in cells_of(STUDENT) if meta(c).get("solution") and c["cell_type"] == "markdown"]
    assert len(written) == 4 and all(text(c) == "YOUR ANSWER HERE" for c in written)


@pytest.mark.parametrize("notebook, folder", [(SOURCE, "solutions"), (STUDENT, "exercises")])
def test_an_exercises_cells_make_exactly_its_py_module(notebook, folder):
    template = notebook_template(cells_of(notebook))
    for name in EXERCISES:
        assert exercise_module(name, template, {}) == body_of(REPO / folder / f"{name}.py"), name


def test_points_and_locks():
    cells = cells_of(SOURCE)
    ids = [meta(c)["grade_id"] for c in cells if meta(c)]
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    assert all(c["id"] == meta(c)["grade_id"] for c in cells if meta(c)), "cell ids are the grade_ids (stable)"
    tests = {meta(c)["grade_id"]: c for c in cells if meta(c).get("grade") and c["cell_type"] == "code"}
    assert set(tests) == {f"{name}-tests" for name in EXERCISES}
    for name, exercise in EXERCISES.items():
        cell = tests[f"{name}-tests"]
        assert meta(cell)["points"] == exercise.max_score == 25 and meta(cell)["locked"]
        assert not meta(cell)["solution"]
        assert f'check_exercise("{name}", "{NB}", inputs)' in text(cell)
    assert sum(meta(c)["points"] for c in tests.values()) == 100
    manual = [c for c in cells if meta(c).get("grade") and c["cell_type"] == "markdown"]
    assert len(manual) == 4 and all(meta(c)["solution"] and meta(c)["points"] > 0 for c in manual)
    for cell in cells:
        if c_meta := meta(cell):
            if not c_meta["solution"] and not c_meta["grade"]:
                assert c_meta["locked"], c_meta["grade_id"]  # read-only code and questions


def test_free_responses_carry_model_answer_and_rubric_inside_the_solution_region():
    for cell in cells_of(SOURCE):
        if meta(cell).get("grade") and cell["cell_type"] == "markdown":
            lines = text(cell).splitlines()
            assert lines[0] == "### BEGIN SOLUTION" and lines[-1] == "### END SOLUTION"
            assert "Model answer" in text(cell) and "Rubric" in text(cell)
    gru = next(text(c) for c in cells_of(SOURCE) if meta(c).get("grade_id") == "gru-answer")
    assert "1920" in gru and "2560" in gru  # the parameter counts


def test_hidden_tests_sit_in_every_test_cell_of_the_source_only():
    pytest.importorskip("nbgrader")
    from seqlab.course.nbgrade.preprocessors import strip_hidden_tests

    for cell in cells_of(SOURCE):
        if meta(cell).get("grade_id", "").endswith("-tests"):
            assert "### BEGIN HIDDEN TESTS" in text(cell)
            assert "HIDDEN" not in strip_hidden_tests(text(cell)) and "official" not in strip_hidden_tests(text(cell))


def test_split_module_keeps_every_line_and_finds_each_marked_definition():
    from seqlab.course.nbgrade.build import split_module

    source = ('"""Doc."""\n\nimport math\n\nimport numpy as np\n\n\n# a helper\ndef helper(x):\n    return x\n\n\n'
              'def answer(x):\n    """Hint."""\n    ### BEGIN SOLUTION\n    return helper(x)\n    ### END SOLUTION\n')
    docstring, chunks = split_module(source, "m.py")
    assert docstring == "Doc."
    assert [(a, n) for a, n, _ in chunks] == [(False, "provided"), (True, "answer")]
    assert chunks[0][2] == "import math\n\nimport numpy as np\n\n\n# a helper\ndef helper(x):\n    return x"


def test_autograde_takes_read_only_cells_from_the_template_and_ignores_added_cells():
    template = [TemplateCell("ex-1-provided", False, "import numpy as np"),
                TemplateCell("ex-2-f", True, "def f():\n    raise NotImplementedError()")]
    submitted = [
        {"cell_type": "code", "metadata": {}, "source": "print('added by the student')"},
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "ex-1-provided", "solution": False}},
         "source": "import numpy as np\nnp.sum = None"},
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "ex-2-f", "solution": True}},
         "source": ["def f():\n", "    return 1"]},
    ]
    assert exercise_module("ex", template, answer_sources(submitted)) == \
        "import numpy as np\n\n\ndef f():\n    return 1\n"
    assert exercise_module("ex", template, {}) == "import numpy as np\n\n\ndef f():\n    raise NotImplementedError()\n"


# --- the test cell's score, as nbgrader reads it -------------------------------------------------------------------


def exercise_report(score: float, failed: int = 0) -> ExerciseReport:
    tests = [CheckResult(f"c{k}", k >= failed, 0 if k < failed else 5, 5, "" if k >= failed else f"wrong {k}")
             for k in range(5)]
    return ExerciseReport("ex", score, 25.0, tests)


def test_verdict_full_partial_and_nothing():
    assert verdict(exercise_report(25)) is None
    assert verdict(exercise_report(15, failed=2)) == 15
    with pytest.raises(AssertionError, match="wrong 0"):
        verdict(exercise_report(0, failed=5))


def test_nbgrader_scores_the_outputs_seqlab_writes_into_a_test_cell():
    pytest.importorskip("nbgrader")
    from nbformat.v4 import new_code_cell
    from nbgrader.utils import determine_grade

    from seqlab.course.nbgrade.preprocessors import test_cell_outputs
    for earned, expected in ((25, 25), (17, 17), (0, 0)):
        tests = [CheckResult("a", True, earned, earned)] if earned else []
        if earned < 25:
            tests.append(CheckResult("b", False, 0, 25 - earned, "wrong values"))
        report = Report({"gru": ExerciseReport("gru", earned, 25, tests)}, {"seed_kind": "official"})
        cell = new_code_cell("pass", metadata={"nbgrader": {"grade": True, "grade_id": "gru-tests", "points": 25,
                                                            "solution": False, "locked": True}})
        cell.outputs = test_cell_outputs("gru", report)
        assert determine_grade(cell)[0] == expected
        assert not [o for o in cell.outputs if o.get("name") == "stderr"]
        assert (expected == 0) == any(o.output_type == "error" for o in cell.outputs)


@pytest.fixture()
def saved(tmp_path, monkeypatch):
    """Saves a variant of the student notebook in a temporary folder (the kernel's folder) and goes there."""
    monkeypatch.chdir(tmp_path)
    release = json.loads(STUDENT.read_text())
    key = {meta(c)["grade_id"]: text(c) for c in cells_of(SOURCE) if meta(c).get("solution")}

    def save(code: dict[str, str]) -> Path:
        nb = json.loads(json.dumps(release))
        for cell in nb["cells"]:
            gid = meta(cell).get("grade_id")
            if meta(cell).get("solution") and cell["cell_type"] == "code":
                cell["source"] = code.get(gid, text(cell))
        (tmp_path / NB).write_text(json.dumps(nb))
        return tmp_path / NB

    save.key = {g: s for g, s in key.items() if not g.endswith("-answer")}
    return save


@pytest.mark.slow
def test_the_test_cell_passes_outputs_a_partial_score_or_raises(saved, capsys):
    softmax = next(g for g in saved.key if g.startswith("attention-") and g.endswith("-softmax"))
    saved(saved.key)
    assert check_exercise("attention", NB) is None  # full marks: nothing raised, no number shown
    naive = "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis, keepdims=True)"
    saved({**saved.key, softmax: naive})
    partial = check_exercise("attention", NB)  # the naive softmax's overflow warning stays in the grading child
    assert isinstance(partial, float) and 0 < partial < 25  # nbgrader's partial credit: the cell's value
    saved({})
    with pytest.raises(AssertionError, match="not implemented"):
        check_exercise("attention", NB)
    out = capsys.readouterr()
    assert "attention" in out.out and out.err == ""  # stderr in a test cell would cost its points


@pytest.mark.slow
def test_the_test_cell_speaks_of_cells_and_grades_the_copy_run_last(saved, capsys, tmp_path):
    gru = next(g for g in saved.key if g.startswith("gru-") and g.endswith("-GRUCell"))
    path = saved({**saved.key, gru: "%%time\n" + saved.key[gru]})
    with pytest.raises(AssertionError) as raised:
        check_exercise("gru", NB)
    assert f"answer cells are graded as plain Python: remove `%%time` (cell '{gru}', line 1)" in str(raised.value)
    assert "gru.py" not in str(raised.value)
    nb = json.loads(path.read_text())  # a copy of the answer cell, run after the stub-holding original
    original = next(i for i, c in enumerate(nb["cells"]) if meta(c).get("grade_id") == gru)
    nb["cells"][original]["source"] = saved.key[gru]
    copy = json.loads(json.dumps(nb["cells"][original]))
    copy.update(id="copy", source="class GRUCell:\n    pass", execution_count=3)
    nb["cells"][original]["execution_count"] = 7
    nb["cells"].insert(original + 1, copy)
    path.write_text(json.dumps(nb))
    capsys.readouterr()
    assert check_exercise("gru", NB) is None  # the original, run last, holds the answer
    assert f"answer cell '{gru}' appears 2 times: graded the copy run last" in capsys.readouterr().out


# --- configuration and release -------------------------------------------------------------------------------------


def test_nbgrader_config_is_a_course_as_it_stands():
    pytest.importorskip("nbgrader")
    from seqlab.course.nbgrade.config import course_config

    config = course_config(REPO)
    course = config.CourseDirectory
    assert (course.source_directory, course.release_directory) == ("solutions", "exercises")
    assert course.course_id and config.Exchange.root
    assert "*.py" in course.ignore and set(course.include) == {"*.ipynb", "timestamp.txt", "submission_secret.txt"}
    assert config.Execute.timeout > 0 and config.Execute.kernel_name == "python3"
    steps = config.Autograde.autograde_preprocessors
    assert "seqlab.course.nbgrade.preprocessors.GradeWithSeqlab" in steps and not any(re.search(r"Execute", s) for s in steps)
    assert config.Autograde.sanitize_preprocessors[0] == "seqlab.course.nbgrade.preprocessors.RepairSubmission"
    assert "seqlab.course.nbgrade.preprocessors.StripHiddenTests" in config.GenerateFeedback.preprocessors
    assert config.ExportApp.plugin_class == "seqlab.course.nbgrade.export.SeqlabCsvExport"
    assert config.ExchangeFactory.release_feedback == "seqlab.course.nbgrade.exchange.ReleaseFeedbackForEveryone"


def test_release_feedback_releases_everyone_it_can_and_names_the_others(tmp_path, caplog):
    pytest.importorskip("nbgrader")
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import notebook_hash
    from traitlets.config import Config

    from seqlab.course.nbgrade.exchange import ReleaseFeedbackForEveryone

    config = Config()
    config.CourseDirectory.update(root=str(tmp_path), course_id="seqlab", assignment_id=ASSIGNMENT)
    config.Exchange.root = str(tmp_path / "exchange")
    (tmp_path / "exchange").mkdir(mode=0o777)
    (tmp_path / "exchange").chmod(0o777)
    files = {"alice": ("timestamp.txt", "submission_secret.txt"), "bob": ("submission_secret.txt",),  # no time
             "carol": ("timestamp.txt",)}  # handed in by hand: no secret
    for student, names in files.items():
        folder = tmp_path / "feedback" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.html").write_text(f"feedback for {student}")
        for name in names:
            (folder / name).write_text(f"{student}-secret" if "secret" in name else "2026-11-25 12:00:00 UTC")
    coursedir = CourseDirectory(config=config)
    ReleaseFeedbackForEveryone(coursedir=coursedir, config=config).start()
    outbound = tmp_path / "exchange" / "seqlab" / "feedback"
    for student in ("alice", "bob"):
        released = outbound / f"{notebook_hash(secret=f'{student}-secret', notebook_id=ASSIGNMENT)}.html"
        assert released.read_text() == f"feedback for {student}"
    assert len(list(outbound.iterdir())) == 2
    assert "Skipping carol/rnn_to_attention: no submission_secret.txt" in caplog.text


def test_make_release_installs_only_what_a_student_needs(tmp_path):
    """`make release` builds on the student install (numpy and the grading tool), not the dev extras."""
    import shutil as sh
    import subprocess

    if sh.which("make") is None:
        pytest.skip("no make")
    done = subprocess.run(["make", "-n", "release", f"VENV={tmp_path / 'venv'}", "PYTHON=python3"], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    installs = [line for line in done.stdout.splitlines() if "pip install" in line and " -e " in line]
    assert installs and all(line.rstrip().endswith("-e .") for line in installs), done.stdout


@pytest.mark.slow
def test_a_release_builds_without_the_instructors_extras(tmp_path):
    """build_release imports nothing outside numpy, the standard library and seqlab (no nbgrader, torch...)."""
    import subprocess
    import sys

    blocked = ("nbgrader", "nbformat", "nbclient", "torch", "matplotlib", "traitlets", "tqdm", "pytest_benchmark")
    script = (f"import importlib.abc, sys\n"
              f"class Block(importlib.abc.MetaPathFinder):\n"
              f"    def find_spec(self, name, path=None, target=None):\n"
              f"        if name.split('.')[0] in {blocked!r}: raise ImportError('blocked: ' + name)\n"
              f"sys.meta_path.insert(0, Block())\n"
              f"from pathlib import Path\n"
              f"from seqlab.course.release import build_release\n"
              f"print(build_release(Path({str(tmp_path / 'release')!r})))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "release" / "exercises" / ASSIGNMENT / NB).is_file()


@pytest.mark.slow
def test_student_release_has_the_notebook_and_no_answer(release):
    out = release
    notebook = out / "exercises" / ASSIGNMENT / NB
    assert notebook.is_file()
    for path in (out / "exercises").rglob("*"):  # the student's files (seqlab/ names the markers in its code)
        if path.is_file():
            content = path.read_text(errors="replace")
            for marker in FORBIDDEN:
                assert marker not in content, (path, marker)
            assert not [line for line in solution_lines() if line in content], path
    assert not (out / "solutions").exists() and not (out / "nbgrader_config.py").exists()


# --- the autograde preprocessor, on a gradebook made here ---------------------------------------------------------


def small_gradebook(tmp_path: Path) -> str:
    """A gradebook with two notebooks: "nb" holds attention's cells as released (and its test cell with the hidden
    part); "foreign" holds the same and a test cell of some other course, which seqlab cannot grade."""
    from nbgrader.api import Gradebook
    from seqlab.course.nbgrade.config import ensure_bin_on_path

    ensure_bin_on_path()  # creating a gradebook runs alembic
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    released = [c for c in cells_of(STUDENT) if meta(c).get("grade_id", "").startswith("attention-")]
    foreign = {"cell_type": "code", "source": "assert f() == 1",
               "metadata": {"nbgrader": {"grade_id": "other-test", "grade": True, "points": 5, "locked": True}}}
    with Gradebook(url) as gb:
        gb.add_assignment(ASSIGNMENT)
        for notebook, cells in (("nb", released), ("foreign", released + [foreign])):
            gb.add_notebook(notebook, ASSIGNMENT)
            for cell in cells:
                info = meta(cell)
                if info.get("grade"):
                    gb.add_grade_cell(info["grade_id"], notebook, ASSIGNMENT, max_score=info["points"],
                                      cell_type=cell["cell_type"])
                if info.get("solution"):
                    gb.add_solution_cell(info["grade_id"], notebook, ASSIGNMENT)
                source = text(cell)
                if info["grade_id"] == "attention-tests":  # the gradebook keeps the hidden part
                    source = next(text(c) for c in cells_of(SOURCE) if meta(c).get("grade_id") == "attention-tests")
                gb.add_source_cell(info["grade_id"], notebook, ASSIGNMENT, cell_type=cell["cell_type"],
                                   locked=bool(info.get("locked")), source=source, checksum="x")
    return url


@pytest.mark.slow
def test_the_preprocessor_scores_test_cells_without_a_kernel_and_refuses_foreign_tests(tmp_path):
    pytest.importorskip("nbgrader")
    import nbformat
    from nbgrader.utils import determine_grade

    from seqlab.course.nbgrade.preprocessors import GradeWithSeqlab

    url = small_gradebook(tmp_path)
    released = [c for c in cells_of(STUDENT) if meta(c).get("grade_id", "").startswith("attention-")]
    nb = nbformat.reads(json.dumps({**json.loads(STUDENT.read_text()), "cells": released}), as_version=4)
    key = answer_sources(cells_of(SOURCE))
    for cell in nb.cells:
        if meta(cell).get("solution") and cell.cell_type == "code":
            cell.source = key[meta(cell)["grade_id"]]
        if meta(cell).get("grade_id") == "attention-tests":
            cell.source = "### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\nraise SystemExit  # never run"
    resources = {"nbgrader": {"student": "s1", "assignment": ASSIGNMENT, "notebook": "nb", "db_url": url}}
    GradeWithSeqlab(inputs="public").preprocess(nb, resources)
    test = next(c for c in nb.cells if meta(c).get("grade_id") == "attention-tests")
    assert determine_grade(test)[0] == 25 and "graded by seqlab" in test.outputs[0]["text"]
    assert "HIDDEN" not in test.source and "secret" not in test.source

    foreign = {"nbgrader": {**resources["nbgrader"], "notebook": "foreign"}}
    with pytest.raises(ValueError, match="other-test"):  # rather than 5 points for a test nobody ran
        GradeWithSeqlab(inputs="public").preprocess(nb, foreign)


@pytest.mark.slow
def test_the_repair_step_leaves_a_valid_notebook_with_its_note_on_top(tmp_path, monkeypatch):
    pytest.importorskip("nbgrader")
    import types

    import nbformat
    from nbgrader.coursedir import CourseDirectory

    from seqlab.course.nbgrade import preprocessors
    from seqlab.course.nbgrade.preprocessors import NOTE_ID, RepairSubmission

    url = small_gradebook(tmp_path)
    released = [c for c in cells_of(STUDENT) if meta(c).get("grade_id", "").startswith("attention-")]
    document = {**json.loads(STUDENT.read_text()), "cells": released}
    (tmp_path / "release" / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "release" / ASSIGNMENT / "nb.ipynb").write_text(json.dumps(document))
    coursedir = CourseDirectory(root=str(tmp_path), release_directory="release")
    monkeypatch.setattr(preprocessors, "_converter", lambda _: types.SimpleNamespace(coursedir=coursedir))
    resources = {"nbgrader": {"student": "s1", "assignment": ASSIGNMENT, "notebook": "nb", "db_url": url}}
    for minor in (4, 5):  # nbformat 4.4 has no cell ids; 4.5 requires them
        submitted = json.loads(json.dumps({**document, "nbformat_minor": minor}))
        softmax = next(i for i, c in enumerate(submitted["cells"]) if meta(c)["grade_id"] == "attention-3-softmax")
        submitted["cells"].insert(softmax + 1, {**submitted["cells"][softmax], "id": "copy"})  # a copied answer
        for cell in submitted["cells"] if minor == 4 else []:
            cell.pop("id")
        nb = nbformat.reads(json.dumps(submitted), as_version=4)
        nb, _ = RepairSubmission().preprocess(nb, resources)
        nbformat.validate(nb)
        assert nb.cells[0].cell_type == "markdown" and "appears 2 times" in nb.cells[0].source
        assert (nb.cells[0].get("id") == NOTE_ID) == (minor == 5)
        assert [r["kind"] for r in nb.metadata["seqlab"]["repairs"]] == ["duplicate_answer"]
        assert sum(meta(c).get("grade_id") == "attention-3-softmax" for c in nb.cells) == 1
