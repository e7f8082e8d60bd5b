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

An answer cell that appears more than once (a copied or pasted cell keeps its nbgrader metadata) counts once:
the copy run last in the kernel (the highest execution count), else the lowest in the notebook, and an
edited copy before one that is still the stub (``chosen_answers``), which is what the kernel itself last saw.
Along with its source, a module has a line map (``Module.locate``): module line -> (grade_id, line in the cell),
so that what the grader says about a line of gru.py is said about a line of a cell.
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
    """The exercise cells of one notebook, as it is (what a student's own test cell uses): one per grade_id, an
    answer cell's chosen copy (``chosen_answers``), the first copy of any other cell."""
    cells = list(cells)
    answers = answer_sources(cells)
    template, seen = [], set()
    for cell in cells:
        gid = grade_id(cell)
        if gid is None or gid in seen or cell.get("cell_type") != "code":
            continue
        seen.add(gid)
        answer = is_answer_cell(cell)
        template.append(TemplateCell(gid, answer, answers[gid] if answer else cell_text(cell)))
    return template


class Chosen(NamedTuple):
    """The copy of an answer cell that is graded, when the grade_id appears more than once."""
    index: int  # position of the graded copy among the notebook's cells (0-based)
    others: tuple[int, ...]  # the positions of the other copies
    why: str  # why this copy, in words


def _execution_count(cell: Mapping) -> int:
    count = cell.get("execution_count")
    return count if isinstance(count, int) and not isinstance(count, bool) else -1


def choose_copy(cells: list[Mapping], indices: list[int], stub: str | None = None) -> Chosen:
    """Which of the copies at `indices` counts: the last one edited, as far as a notebook can tell.

    A notebook records no edit times; what it records is the order in which cells were run. Copies that differ
    from the released `stub` (when known) come first; among them, the one with the highest execution count (the
    kernel's last definition), else the lowest in the notebook.
    """
    edited = [i for i in indices if stub is None or cell_text(cells[i]).strip() != stub.strip()] or list(indices)
    ran = [i for i in edited if _execution_count(cells[i]) >= 0]
    best = max(ran, key=lambda i: (_execution_count(cells[i]), i)) if ran else max(edited)
    if len(edited) == 1 and len(indices) > 1:
        why = "the only copy that is not the stub"
    elif ran:
        why = "the copy run last" if len(ran) > 1 else "the only copy that was run"
    else:
        why = "the lowest copy in the notebook (none was run)"
    return Chosen(best, tuple(i for i in indices if i != best), why)


def chosen_answers(cells: list[Mapping], stubs: Mapping[str, str] | None = None) -> dict[str, Chosen]:
    """grade_id -> the copy of each code answer cell that counts (``choose_copy``)."""
    copies: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        gid = grade_id(cell)
        if gid is not None and is_answer_cell(cell):
            copies.setdefault(gid, []).append(index)
    return {gid: choose_copy(cells, indices, (stubs or {}).get(gid)) for gid, indices in copies.items()}


def answer_sources(cells: Iterable[Mapping], stubs: Mapping[str, str] | None = None) -> dict[str, str]:
    """grade_id -> source of each answer cell of a submission (the copy ``chosen_answers`` picks, should an id
    repeat)."""
    cells = list(cells)
    return {gid: cell_text(cells[choice.index]) for gid, choice in chosen_answers(cells, stubs).items()}


def exercises_with_tests(grade_ids: Iterable[str], known: Iterable[str]) -> list[str]:
    """The exercises (in the order of `known`) that have an autograder test cell among `grade_ids`."""
    present = set(grade_ids)
    return [name for name in known if tests_id(name) in present]


class CellLine(NamedTuple):
    """A place in a notebook: a cell (by grade_id) and a line within it (1-based)."""
    grade_id: str
    line: int

    def __str__(self) -> str:
        return f"cell '{self.grade_id}', line {self.line}"


class Span(NamedTuple):
    first: int  # module line of the cell's first line kept (1-based)
    last: int  # module line of its last line
    grade_id: str
    skipped: int  # leading blank lines of the cell left out of the module


class Module(NamedTuple):
    """An exercise's module as the cells make it, and where each of its lines comes from."""
    source: str
    spans: tuple[Span, ...]

    def locate(self, line: int) -> CellLine | None:
        """Module line (1-based) -> the cell and the line within it; None for a line between cells."""
        for span in self.spans:
            if span.first <= line <= span.last:
                return CellLine(span.grade_id, line - span.first + 1 + span.skipped)
        return None


def build_module(exercise: str, template: Iterable[TemplateCell], answers: Mapping[str, str]) -> Module:
    """The module an exercise's cells make: read-only cells from `template`, answer cells from `answers`.

    An answer cell missing from `answers` keeps the template's source (in a gradebook, the released stub). Cells
    are joined by two blank lines, like top-level definitions of a .py file.
    """
    parts = []
    for cell in template:
        match = CODE_ID.match(cell.grade_id)
        if match and match["exercise"] == exercise:
            source = answers.get(cell.grade_id, cell.source) if cell.is_answer else cell.source
            parts.append((int(match["order"]), cell.grade_id, source))
    parts.sort(key=lambda part: part[0])
    texts, spans, line = [], [], 1
    for _, gid, source in parts:
        text = source.strip("\n")
        skipped = len(source) - len(source.lstrip("\n"))
        count = text.count("\n") + 1
        spans.append(Span(line, line + count - 1, gid, skipped))
        texts.append(text)
        line += count + 2  # the two blank lines that join cells
    return Module("\n\n\n".join(texts) + "\n", tuple(spans))


def exercise_module(exercise: str, template: Iterable[TemplateCell], answers: Mapping[str, str]) -> str:
    """The source of ``build_module``."""
    return build_module(exercise, template, answers).source
