"""nbgrader preprocessors that make ``nbgrader autograde`` repair a submission, then grade it with seqlab instead
of running the notebook.

``RepairSubmission`` is the first of autograde's sanitizing steps (nbgrader_config.py): it repairs the submitted
notebook against the released one (``seqlab.notebooks.repair``: read-only and test cells and their metadata
restored, copies and forged cells made ordinary cells, deleted cells restored), so that nbgrader's own steps
that follow (DeduplicateIds, OverwriteCells, CheckCellMetadata) find nothing to reject or warn about: the test
cells get the source the gradebook holds (with its hidden part), whose checksum nbgrader compares. The repairs
are listed in a markdown cell at the top of the notebook, which the student's feedback shows.

``GradeWithSeqlab`` takes the place of nbgrader's ``Execute``. For each notebook it builds every exercise's module
statically (``seqlab.notebooks.cells``: the student's answer cells, and the read-only cells as the gradebook
holds them), grades the modules with the kit's isolated grader on the student's official inputs
(``seqlab.grading.seeds.official``), says what the grader found in the notebook's terms
(``seqlab.notebooks.messages``: cells and lines, never the generated module) and writes into each autograder
test cell what nbgrader scores: the per-check table, then nothing (full marks), the points earned (partial
credit) or an AssertionError (no points), exactly as the cell itself would (``seqlab.notebooks.check.verdict``).
nbgrader's ``SaveAutoGrades`` then stores those scores in the gradebook, so ``nbgrader export`` and the feedback
show them. When nbgrader's Autograde runs it, it also writes the submission's record next to the autograded
notebook (``record_path``): the submission's timestamp, the status, the scores and the repairs, which the
instructor reads and ``seqlab.course.nbgrade.export`` checks so that no export shows a score that is not the
latest submission's.

No kernel is started and no student code runs in nbgrader's process or with the instructor's rights: whatever a
notebook does to a kernel (input or AST transformers, objects that lie to numpy) has no kernel to act on, and its
code is judged like exercises/<name>.py would be. Hidden tests are removed from the test cells on the way
(``StripHiddenTests``, nbgrader's ClearHiddenTests restricted to grade cells, does the same for
``generate_feedback``).
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Bool, Enum, Float, Unicode

from seqlab.grading import atomic
from seqlab.grading.registry import EXERCISES
from seqlab.grading.report import Report
from seqlab.notebooks.cells import (TemplateCell, answer_sources, build_module, exercises_with_tests, grade_id,
                                    read_cells, tests_id)
from seqlab.notebooks.check import verdict
from seqlab.notebooks.messages import added_definitions, in_cell_terms
from seqlab.notebooks.repair import Repair, repair

NOTE_ID = "seqlab-repairs"  # the cell id of the note that lists the repairs
UNREADABLE = "unreadable"  # nb.metadata.seqlab key of a stand-in for a file that is not a notebook


def _converter(preprocessor):
    """The nbgrader converter running this preprocessor (exporter.parent), or None outside nbgrader's Autograde."""
    exporter = getattr(preprocessor, "parent", None)
    return getattr(exporter, "parent", None)


def record_path(coursedir, student: str, assignment: str, notebook: str) -> Path:
    """autograded/<student>/<assignment>/<notebook>.seqlab.json: one submission's status, scores and repairs."""
    return Path(coursedir.format_path(coursedir.autograded_directory, student, assignment)) / f"{notebook}.seqlab.json"


def write_record(path: Path, **record) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_json(path, record, indent=1, sort_keys=True)


def submission_timestamp(db_url: str, assignment: str, student: str) -> str | None:
    """The timestamp the gradebook holds for the submission (from its timestamp.txt), or None."""
    with Gradebook(db_url) as gb:
        try:
            timestamp = gb.find_submission(assignment, student).timestamp
        except MissingEntry:
            return None
    return timestamp.isoformat() if timestamp is not None else None


def _markdown(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def note_cell(lines: list[str], unreadable: bool) -> dict:
    """The markdown cell at the top of a repaired notebook: what was repaired, in the student's feedback."""
    if unreadable:
        head = "**This submission could not be graded.**"
    else:
        head = ("**Before grading, this notebook was repaired against the released one.** The code in your "
                "answer cells is graded as you submitted it; what was repaired:")
    body = "\n".join(f"- {_markdown(line)}" for line in lines)
    return new_markdown_cell(f"{head}\n\n{body}\n", id=NOTE_ID)


class RepairSubmission(NbGraderPreprocessor):
    """Repairs the submission against the released notebook, before nbgrader's own sanitizing steps."""

    def _released(self, info: dict) -> list[dict]:
        converter = _converter(self)
        coursedir = getattr(converter, "coursedir", None)
        if coursedir is None:
            raise ValueError("RepairSubmission runs inside nbgrader's autograde (it needs the course directory)")
        path = Path(coursedir.format_path(coursedir.release_directory, ".", info["assignment"])) \
            / f"{info['notebook']}.ipynb"
        if not path.is_file():
            raise FileNotFoundError(f"no released notebook {path}: run `nbgrader generate_assignment "
                                    f"{info['assignment']}` (seqlab repairs submissions against it)")
        return read_cells(path)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            source = gb.find_notebook(info["notebook"], info["assignment"])
            solutions = {cell.name for cell in source.solution_cells}
            trusted = {cell.name: cell.source for cell in source.source_cells if cell.name not in solutions}
        seqlab = dict(nb.metadata.get("seqlab") or {})
        unreadable = seqlab.get(UNREADABLE)
        repaired = repair(self._released(info), [dict(cell) for cell in nb.cells], trusted)
        repairs = list(repaired.repairs)
        if unreadable:
            repairs = [Repair("not_a_notebook", where=unreadable["file"], why=unreadable["why"])]
            repaired.added = []
        elif seqlab.get("renamed_from"):
            repairs.insert(0, Repair("renamed_file", f"{info['notebook']}.ipynb", where=seqlab["renamed_from"]))
        repaired.repairs = repairs
        cells = [nbformat.from_dict(cell) for cell in repaired.cells if cell.get("id") != NOTE_ID]
        notes = repaired.notes()
        if notes:
            note = note_cell(notes, bool(unreadable))
            if not all("id" in cell for cell in cells):
                del note["id"]  # a notebook of format 4.4 or older has no cell ids
            cells.insert(0, note)
            self.log.warning("seqlab repaired %s/%s before grading: %s", info["student"], info["notebook"],
                             "; ".join(notes))
        nb.cells = cells
        seqlab.update(repairs=[r.to_dict() for r in repairs], added=[list(a) for a in repaired.added])
        nb.metadata["seqlab"] = seqlab
        return nb, resources


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


def not_graded_outputs(exercise: str, why: str) -> list:
    """A test cell's outputs when nothing could be graded: 0 points, and why."""
    text = f"{exercise}: not graded: {why}"
    return [new_output("stream", name="stdout", text=text + "\n"),
            new_output("error", ename="AssertionError", evalue=text, traceback=[f"AssertionError: {text}"])]


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

    def _grade(self, student: str, exercises: list[str], modules: dict) -> dict[str, Report]:
        from seqlab.grading.grader import grade
        from seqlab.grading.oracle import ReferenceOracle
        from seqlab.grading.sandbox import Limits

        source, oracle, limits = self._source(student), ReferenceOracle(), Limits(wall_seconds=self.timeout)
        with tempfile.TemporaryDirectory(prefix="seqlab-nbgrade-") as tmp:
            folder = Path(tmp)
            for exercise in exercises:
                (folder / f"{exercise}.py").write_text(modules[exercise].source, encoding="utf-8")
            if exercises == list(EXERCISES):
                report = grade(folder, oracle, source, limits)
                return {exercise: report for exercise in exercises}
            return {exercise: grade(folder, oracle, source, limits, only=exercise) for exercise in exercises}

    def preprocess(self, nb, resources):
        from seqlab.grading.sandbox import UNISOLATED, require_private_workdirs

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
        seqlab = dict(nb.metadata.get("seqlab") or {})
        unreadable = seqlab.get(UNREADABLE)
        answers = answer_sources(nb.cells)
        modules = {exercise: build_module(exercise, template, answers) for exercise in exercises}
        by_id = {tests_id(exercise): exercise for exercise in exercises}
        if unreadable:
            why = f"{unreadable['file']} is not a notebook ({unreadable['why']})"
            outputs = {exercise: not_graded_outputs(exercise, why) for exercise in exercises}
            scores, status = {exercise: 0.0 for exercise in exercises}, f"not graded: {why}"
        else:
            added = added_definitions(tuple(pair) for pair in seqlab.get("added", []))
            reports = {e: in_cell_terms(r, modules, added) for e, r in self._grade(info["student"], exercises,
                                                                                      modules).items()}
            outputs = {exercise: test_cell_outputs(exercise, reports[exercise]) for exercise in exercises}
            scores = {exercise: float(reports[exercise].exercises[exercise].score) for exercise in exercises}
            status = "graded"
        for cell in nb.cells:
            exercise = by_id.get(grade_id(cell)) if utils.is_grade(cell) and cell.cell_type == "code" else None
            if exercise is not None:
                cell.source = strip_hidden_tests(cell.source)
                cell.outputs = outputs[exercise]
                cell.execution_count = None
        seconds = time.perf_counter() - start
        self.log.info("seqlab graded %s/%s/%s without executing it in %.2f s: %s", info["student"],
                      info["assignment"], info["notebook"], seconds, status if unreadable else
                      ", ".join(f"{e} {scores[e]:g}" for e in exercises))
        coursedir = getattr(_converter(self), "coursedir", None)
        if coursedir is not None:  # run by nbgrader's Autograde: the submission's record
            write_record(record_path(coursedir, info["student"], info["assignment"], info["notebook"]),
                         student=info["student"], assignment=info["assignment"], notebook=info["notebook"],
                         timestamp=submission_timestamp(info["db_url"], info["assignment"], info["student"]),
                         status=status, scores=scores, repairs=seqlab.get("repairs", []),
                         renamed_from=seqlab.get("renamed_from"),
                         added_cells=[where for where, _ in seqlab.get("added", [])],
                         graded_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), seconds=round(seconds, 3))
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


def unreadable_stand_in(released: Path, file: str, why: str) -> str:
    """The notebook autograde reads in place of a file that is not a notebook: the released notebook, marked, so
    that the gradebook, the export and the feedback all say why the submission earned nothing."""
    document = json.loads(released.read_text(encoding="utf-8"))
    document.setdefault("metadata", {})["seqlab"] = {UNREADABLE: {"file": file, "why": why}}
    return json.dumps(document, indent=1)
