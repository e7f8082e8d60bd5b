"""Reads the graded notebook statically: which cells hold an exercise's code, and the module they make.

Nothing here executes a notebook. The cells are found by their nbgrader ``grade_id``:

    <exercise>-<k>-<name>     the k-th code cell of an exercise (k = 1, 2, ...): read-only provided code
                              (imports, helpers) or an answer cell (``solution: true``) holding a marked region
    <exercise>-tests          the exercise's autograder test cell (locked, 25 points)
    <exercise>-question       its free-response question (read-only markdown)
    <exercise>-answer         the student's free-response answer (markdown, graded by hand)

An exercise's module is its code cells in order, joined like top-level definitions of a .py file. Cells a
student adds are not part of it, so the module is exactly what the same answers would be in exercises/<name>.py.
The test cells (``seqlab.notebooks.check``) and the instructor's autograde (``seqlab.course.nbgrade.preprocessors``) build it the same way;
autograde takes the read-only cells from nbgrader's gradebook instead of the submission, so editing them is moot.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple

CODE_ID = re.compile(r"^(?P<exercise>[a-z][a-z0-9_]*)-(?P<order>[0-9]+)-(?P<name>[A-Za-z0-9_]+)$")


def code_id(exercise: str, order: int, name: str) -> str:
    return f"{exercise}-{order}-{name}"


def tests_id(exercise: str) -> str:
    return f"{exercise}-tests"


def question_id(exercise: str) -> str:
    return f"{exercise}-question"


def answer_id(exercise: str) -> str:
    return f"{exercise}-answer"


class TemplateCell(NamedTuple):
    grade_id: str
    is_answer: bool  # an answer cell: the student's source counts; otherwise this (trusted) source does
    source: str


def cell_text(cell: Mapping) -> str:
    """A cell's source as one string (a notebook file may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_meta(cell: Mapping) -> Mapping:
    meta = cell.get("metadata") or {}
    info = meta.get("nbgrader") if isinstance(meta, Mapping) else None
    return info if isinstance(info, Mapping) else {}


def grade_id(cell: Mapping) -> str | None:
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) else None


def is_answer_cell(cell: Mapping) -> bool:
    return cell.get("cell_type") == "code" and bool(nbgrader_meta(cell).get("solution"))


def read_cells(path: Path) -> list[dict]:
    """The cells of a notebook file, read as plain JSON (students need no nbformat for this)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a notebook: invalid JSON ({exc})") from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise ValueError(f"{path} is not a notebook: it has no list of cells")
    return cells


def notebook_template(cells: Iterable[Mapping]) -> list[TemplateCell]:
    """The exercise cells of one notebook, as it is (what a student's own test cell uses)."""
    return [TemplateCell(gid, is_answer_cell(cell), cell_text(cell))
            for cell in cells if (gid := grade_id(cell)) is not None and cell.get("cell_type") == "code"]


def answer_sources(cells: Iterable[Mapping]) -> dict[str, str]:
    """grade_id -> source of each answer cell of a submission (the first one, should an id repeat)."""
    answers: dict[str, str] = {}
    for cell in cells:
        gid = grade_id(cell)
        if gid is not None and is_answer_cell(cell):
            answers.setdefault(gid, cell_text(cell))
    return answers


def exercises_with_tests(grade_ids: Iterable[str], known: Iterable[str]) -> list[str]:
    """The exercises (in the order of `known`) that have an autograder test cell among `grade_ids`."""
    present = set(grade_ids)
    return [name for name in known if tests_id(name) in present]


def exercise_module(exercise: str, template: Iterable[TemplateCell], answers: Mapping[str, str]) -> str:
    """The module an exercise's cells make: read-only cells from `template`, answer cells from `answers`.

    An answer cell missing from `answers` keeps the template's source (in a gradebook, the released stub).
    """
    parts = []
    for cell in template:
        match = CODE_ID.match(cell.grade_id)
        if match and match["exercise"] == exercise:
            source = answers.get(cell.grade_id, cell.source) if cell.is_answer else cell.source
            parts.append((int(match["order"]), source.strip("\n")))
    parts.sort(key=lambda part: part[0])
    return "\n\n\n".join(source for _, source in parts) + "\n"
