"""What a notebook's autograder test cell runs: the exercise's checks, on the notebook's answer cells as saved.

    check_exercise("gru", "rnn_to_attention.ipynb")

reads the saved notebook (not the kernel's state), builds the exercise's module from its cells
(``seqlab.notebooks.cells``), and grades it with ``python -m seqlab grade`` in a fresh process, so the same code gets
the same score as exercises/gru.py would, and nothing the notebook did to this kernel takes part in judging.
It prints the per-check table, in the notebook's terms (cells and lines, ``seqlab.notebooks.messages``), then
follows nbgrader's rules for a test cell's score:

* every check passed: returns None (a test cell that raises nothing and shows no number earns full points);
* some points lost: returns the points earned, which the cell shows as its value (nbgrader's partial credit);
* no points: raises AssertionError with the failed checks' messages.

Nothing is written to stderr (nbgrader scores a test cell that writes to stderr 0). On a student's machine this
is feedback; official scores come from the instructor's ``seqlab nbgrade-autograde``, which never runs the
notebook (``seqlab.course.nbgrade.preprocessors``) and judges the same way (``verdict``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from seqlab.grading.report import ExerciseReport, Report
from seqlab.notebooks.cells import build_module, cell_text, chosen_answers, notebook_template, read_cells
from seqlab.notebooks.messages import added_definitions, in_cell_terms
from seqlab.notebooks.repair import describe

PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # the folder that holds seqlab/
VALIDATION_STUDENT = "validation"  # whose official inputs an instructor's own run uses ($SEQLAB_STUDENT)


def verdict(exercise: ExerciseReport) -> float | None:
    """nbgrader's reading of one exercise's result: None (full marks), the points (partial), or AssertionError."""
    __tracebackhide__ = True  # IPython and pytest show the message, not this frame
    score, max_score = float(exercise.score), float(exercise.max_score)
    if score >= max_score:
        return None
    failed = [t for t in exercise.tests if not t.passed]
    lines = [f"{t.name} (0/{t.max_points:g}): {t.message}" for t in failed]
    if score <= 0:
        raise AssertionError(f"0 / {max_score:g} points; failed checks:\n" + "\n".join(lines))
    return score


def _command(exercise: str, folder: str, report: str, inputs: str, timeout: float) -> list[str]:
    command = [sys.executable, "-m", "seqlab", "grade", folder, "--only", exercise, "--json", report,
               "--timeout", f"{timeout:g}"]
    if inputs == "official":
        command += ["--official", "--student", os.environ.get("SEQLAB_STUDENT", VALIDATION_STUDENT)]
    elif inputs != "public":
        raise ValueError(f"inputs must be 'public' or 'official', not {inputs!r}")
    return command


def check_exercise(exercise: str, notebook: str, inputs: str = "public", timeout: float = 10.0) -> float | None:
    """Grades `exercise` from the saved `notebook` (a path relative to the kernel's folder); see the module doc."""
    __tracebackhide__ = True
    path = Path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"{notebook} is not in {Path.cwd()}: the tests grade the notebook as saved "
                                f"there, so keep its name and run them from the notebook itself")
    cells = read_cells(path)
    module = build_module(exercise, notebook_template(cells), {})
    with tempfile.TemporaryDirectory(prefix="seqlab-nb-") as tmp:
        folder, report = Path(tmp) / "submission", Path(tmp) / "report.json"
        folder.mkdir()
        (folder / f"{exercise}.py").write_text(module.source, encoding="utf-8")
        path_entries = filter(None, [str(PACKAGE_PARENT), os.environ.get("PYTHONPATH")])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(path_entries))
        done = subprocess.run(_command(exercise, str(folder), str(report), inputs, timeout),
                              capture_output=True, text=True, env=env, cwd=tmp, stdin=subprocess.DEVNULL)
        if done.returncode != 0 or not report.is_file():
            raise RuntimeError(f"the grader could not run (exit code {done.returncode}):\n"
                               f"{(done.stdout + done.stderr)[-2000:]}")
        graded = Report.read_json(report)
    added = [(describe(cell), cell_text(cell)) for cell in cells
             if cell.get("cell_type") == "code" and "nbgrader" not in (cell.get("metadata") or {})]
    result = in_cell_terms(graded, {exercise: module}, added_definitions(added)).only(exercise)
    saved = time.strftime("%H:%M:%S", time.localtime(path.stat().st_mtime))
    print(f"{exercise}: graded the answer cells of {notebook} as saved at {saved} ({inputs} inputs)")
    for gid, chosen in chosen_answers(cells).items():
        if chosen.others and gid.startswith(f"{exercise}-"):
            print(f"note: answer cell '{gid}' appears {len(chosen.others) + 1} times: graded {chosen.why}")
    print(result.render())
    return verdict(result.exercises[exercise])
