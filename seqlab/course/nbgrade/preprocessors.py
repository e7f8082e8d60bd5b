"""nbgrader preprocessors that make ``nbgrader autograde`` grade with seqlab instead of running the notebook.

``GradeWithSeqlab`` takes the place of nbgrader's ``Execute`` (nbgrader_config.py). For each submitted notebook
it builds every exercise's module statically (``seqlab.notebooks.cells``: the student's answer cells, and the
read-only cells as the gradebook holds them), grades the modules with the kit's isolated grader on the
student's official inputs (``seqlab.grading.seeds.official``), and writes into each autograder test cell what nbgrader
scores: the per-check table, then nothing (full marks), the points earned (partial credit) or an AssertionError
(no points), exactly as the cell itself would (``seqlab.notebooks.check.verdict``). nbgrader's ``SaveAutoGrades`` then
stores those scores in the gradebook, so ``nbgrader export`` and the feedback show them.

No kernel is started and no student code runs in nbgrader's process or with the instructor's rights: whatever a
notebook does to a kernel (input or AST transformers, objects that lie to numpy) has no kernel to act on, and its
code is judged like exercises/<name>.py would be. Hidden tests are removed from the test cells on the way
(``StripHiddenTests``, nbgrader's ClearHiddenTests restricted to grade cells, does the same for
``generate_feedback``).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from nbformat.v4 import new_code_cell, new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Bool, Enum, Float, Unicode

from seqlab.grading.registry import EXERCISES
from seqlab.grading.report import Report
from seqlab.notebooks.check import verdict
from seqlab.notebooks.cells import (TemplateCell, answer_sources, exercise_module, exercises_with_tests, grade_id,
                                   tests_id)


def test_cell_outputs(exercise: str, report: Report) -> list:
    """The outputs a test cell gets from one exercise's report: what nbgrader's determine_grade scores."""
    table = report.only(exercise).render()
    outputs = [new_output("stream", name="stdout", text=f"{exercise}: graded by seqlab ({report.meta['seed_kind']} "
                                                         f"inputs)\n{table}\n")]
    try:
        partial = verdict(report.exercises[exercise])
    except AssertionError as exc:
        outputs.append(new_output("error", ename="AssertionError", evalue=str(exc),
                                  traceback=[f"AssertionError: {exc}"]))
    else:
        if partial is not None:
            outputs.append(new_output("execute_result", data={"text/plain": repr(float(partial))},
                                      execution_count=None))
    return outputs


class GradeWithSeqlab(NbGraderPreprocessor):
    """Scores the autograder test cells with seqlab's grader; never executes the notebook."""

    inputs = Enum(("official", "public"), "official",
                  help="'official': each student's inputs from the course secret; 'public': the release's",
                  ).tag(config=True)
    timeout = Float(10.0, help="wall-clock seconds each exercise may run").tag(config=True)
    secret_file = Unicode("", help="grading secret (default: $SEQLAB_SECRET_FILE or .seqlab/secret)").tag(config=True)
    allow_unisolated = Bool(False, help="grade even where the sandbox's children could reach each other (no "
                                        "bubblewrap, no root with the sandbox users); logged for every notebook"
                            ).tag(config=True)

    def _source(self, student: str):
        from seqlab.grading.oracle import REPO_ROOT
        from seqlab.grading.seeds import PUBLIC, default_secret_file, load_secret, official

        if self.inputs == "public":
            return PUBLIC
        path = Path(self.secret_file) if self.secret_file else default_secret_file(REPO_ROOT)
        return official(load_secret(path), student)

    def _template(self, db_url: str, notebook: str, assignment: str) -> tuple[list[TemplateCell], set[str]]:
        """The source notebook's code cells (read-only ones as released) and its grade cells, from the gradebook."""
        with Gradebook(db_url) as gb:
            source = gb.find_notebook(notebook, assignment)
            answers = {cell.name for cell in source.solution_cells}
            template = [TemplateCell(cell.name, cell.name in answers, cell.source)
                        for cell in source.source_cells if cell.cell_type == "code"]
            graded = {cell.name for cell in source.grade_cells}
        return template, graded

    def preprocess(self, nb, resources):
        from seqlab.grading.grader import grade
        from seqlab.grading.oracle import ReferenceOracle
        from seqlab.grading.sandbox import UNISOLATED, Limits, require_private_workdirs

        info = resources["nbgrader"]
        if require_private_workdirs(self.allow_unisolated):  # a class: never silently where children meet
            self.log.warning("seqlab grades %s/%s with allow_unisolated: %s", info["student"], info["notebook"],
                             UNISOLATED)
        start = time.perf_counter()
        template, graded = self._template(info["db_url"], info["notebook"], info["assignment"])
        exercises = exercises_with_tests(graded, EXERCISES)
        ours = {tests_id(exercise) for exercise in exercises}
        foreign = sorted(name for name in graded - ours if name in {c.grade_id for c in template})
        if foreign:  # code test cells nobody would run: they must not earn their points by default
            raise ValueError(f"{info['notebook']} has autograder test cells that seqlab does not grade: "
                             f"{', '.join(foreign)}. This course grades with seqlab instead of executing "
                             f"notebooks (nbgrader_config.py); grade other assignments in a course of their own.")
        answers = answer_sources(nb.cells)
        source, oracle, limits = self._source(info["student"]), ReferenceOracle(), Limits(wall_seconds=self.timeout)
        reports = {}
        with tempfile.TemporaryDirectory(prefix="seqlab-nbgrade-") as tmp:
            folder = Path(tmp)
            for exercise in exercises:
                (folder / f"{exercise}.py").write_text(exercise_module(exercise, template, answers), encoding="utf-8")
            if exercises == list(EXERCISES):
                report = grade(folder, oracle, source, limits)
                reports = {exercise: report for exercise in exercises}
            else:
                reports = {exercise: grade(folder, oracle, source, limits, only=exercise) for exercise in exercises}
        by_id = {tests_id(exercise): exercise for exercise in exercises}
        for cell in nb.cells:
            exercise = by_id.get(grade_id(cell)) if utils.is_grade(cell) and cell.cell_type == "code" else None
            if exercise is not None:
                cell.source = strip_hidden_tests(cell.source)
                cell.outputs = test_cell_outputs(exercise, reports[exercise])
                cell.execution_count = None
        scores = ", ".join(f"{e} {reports[e].exercises[e].score:g}" for e in exercises)
        self.log.info("seqlab graded %s/%s/%s without executing it in %.2f s: %s", info["student"],
                      info["assignment"], info["notebook"], time.perf_counter() - start, scores)
        return nb, resources


class StripHiddenTests(ClearHiddenTests):
    """nbgrader's ClearHiddenTests on the grade cells only: a student's own cell that happens to contain the
    delimiter text keeps what the student wrote (ClearHiddenTests would cut it, or raise on an unclosed one)."""

    def preprocess_cell(self, cell, resources, index):
        if utils.is_grade(cell) and cell.cell_type == "code":
            self._remove_hidden_test_region(cell)
        return cell, resources


def strip_hidden_tests(source: str) -> str:
    """`source` without its hidden-test regions (marker lines included), as StripHiddenTests leaves a test cell."""
    cell = new_code_cell(source, metadata={"nbgrader": {"grade": True}})
    StripHiddenTests(enforce_metadata=False)._remove_hidden_test_region(cell)
    return cell.source
