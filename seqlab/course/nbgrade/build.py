"""Builds the graded assignment's notebooks from the answer key: solutions/*.py stays the single source.

    solutions/<name>.py + solutions/free_response.md
        --build_source-->  solutions/<assignment>/<assignment>.ipynb    instructor notebook (answers, rubrics)
        --nbgrader generate_assignment-->  exercises/<assignment>/<assignment>.ipynb   student notebook

Per exercise, in teaching order, the instructor notebook holds:

    markdown   the module's docstring: the exercise's introduction
    code       read-only cells (locked): imports and provided helpers
    code       answer cells (solution): one per top-level function or class with a ### BEGIN/END SOLUTION region,
               which nbgrader stubs exactly like ``seqlab stubs`` does (``# YOUR CODE HERE``,
               ``raise NotImplementedError()``)
    code       the autograder test cell (locked, the exercise's points): ``seqlab.notebooks.check.check_exercise``, with a
               hidden section (official inputs) that ``generate_assignment`` removes
    markdown   the free-response question (read-only), then the answer cell (graded by hand, its own points), whose
               solution region holds the model answer and the rubric

Cell ids and grade_ids (``seqlab.notebooks.cells``) are derived from the source, so rebuilding gives the same file.
``python -m seqlab notebooks`` rebuilds both notebooks; ``--check`` only reports drift (a test runs it).
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from seqlab.course.nbgrade.config import course_config, ensure_bin_on_path
from seqlab.course.stubs import BEGIN, solution_regions
from seqlab.grading.registry import EXERCISES
from seqlab.grading.seeds import ASSIGNMENT
from seqlab.notebooks.cells import answer_id, code_id, question_id, tests_id

NOTEBOOK = f"{ASSIGNMENT}.ipynb"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
QUESTIONS_FILE = "free_response.md"

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


def _worth() -> str:
    points = sorted({e.max_score for e in EXERCISES.values()})
    return (f"worth {points[0]} points each" if len(points) == 1 else
            "worth " + ", ".join(f"{e.max_score}" for e in EXERCISES.values()) + " points")


INTRO = f"""# From RNNs to attention: graded exercises

This notebook is the graded assignment `{ASSIGNMENT}`: {_count(len(EXERCISES))} exercises {_worth()}, checked
automatically, and {_count(len(EXERCISES))} short written answers graded by hand.

* Write your code in the **answer cells**, in place of `# YOUR CODE HERE` and `raise NotImplementedError()`.
  Keep the `def` and `class` lines: the checks call these names.
* The read-only cells hold provided code (imports, helpers). They are restored before grading.
* Only the answer cells are graded, as plain Python (no `%magic` or `!command`). Put any helper or extra import
  you need inside an answer cell: cells you add yourself are not graded.
* Each exercise ends with a **test cell**. It grades the answer cells of this notebook *as saved*: save first
  (Ctrl-S), then run it. It needs the `seqlab` package of the course (`make grade` or `pip install -e .`).
* Official grading runs the same checks on different inputs, drawn from a secret seed: code written to fit the
  visible inputs earns nothing there. It never runs this notebook: it reads the answer cells and grades them.
"""

TEST_CELL = '''# Autograder tests ({points} points, read-only): the checks of `python -m seqlab grade --only {exercise}`,
# run on the answer cells above as saved on disk (save first). The table shows each check.
from seqlab.nbcheck import check_exercise

inputs = "public"
### BEGIN HIDDEN TESTS
inputs = "official"  # the course's secret inputs (the instructor's repository; see docs/nbgrader.md)
### END HIDDEN TESTS
check_exercise("{exercise}", "{notebook}", inputs)'''


@dataclass(frozen=True)
class Question:
    points: int
    question: str
    model_answer: str
    rubric: str


def parse_questions(text: str) -> dict[str, Question]:
    """solutions/free_response.md: `## <exercise>`, a `Points: N` line, `### Question|Model answer|Rubric` parts."""
    questions = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        name, _, body = block.partition("\n")
        points = re.search(r"^Points:\s*(\d+)\s*$", body, flags=re.M)
        parts = dict(re.findall(r"^### (.+?)\n(.*?)(?=^### |\Z)", body, flags=re.M | re.S))
        missing = [p for p in ("Question", "Model answer", "Rubric") if not parts.get(p, "").strip()]
        if points is None or missing:
            raise ValueError(f"{QUESTIONS_FILE}, section {name.strip()}: needs a Points line and "
                             f"{', '.join(missing) or 'its parts'}")
        questions[name.strip()] = Question(int(points[1]), parts["Question"].strip(),
                                           parts["Model answer"].strip(), parts["Rubric"].strip())
    return questions


def _first_line(node: ast.stmt, lines: list[str]) -> int:
    """0-based first line of a top-level statement: its decorators and the comment lines right above it."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    return first


def split_module(source: str, name: str) -> tuple[str, list[tuple[bool, str, str]]]:
    """(docstring, [(is_answer, cell name, code), ...]): the answer chunks hold a marked region each.

    Consecutive statements without a marked region make one read-only chunk; every line after the docstring
    belongs to exactly one chunk (blank lines between chunks aside).
    """
    solution_regions(source, name)  # malformed markers fail here, with the line
    tree = ast.parse(source, name)
    body = tree.body
    docstring = ast.get_docstring(tree, clean=True) or ""
    if docstring:
        body = body[1:]
    lines = source.splitlines()
    starts = [_first_line(node, lines) for node in body]
    ends = starts[1:] + [len(lines)]
    spans: list[list] = []  # [is_answer, name, first line, end line]
    for node, first, end in zip(body, starts, ends):
        if BEGIN in "\n".join(lines[first:end]):
            spans.append([True, getattr(node, "name", None) or f"part{len(spans) + 1}", first, end])
        elif spans and not spans[-1][0]:
            spans[-1][3] = end  # one read-only chunk, as written in the file
        else:
            spans.append([False, "provided", first, end])
    chunks = [(is_answer, label, "\n".join(lines[first:end]).strip("\n")) for is_answer, label, first, end in spans]
    return docstring, chunks


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
              points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _intro_markdown(docstring: str) -> str:
    title, _, rest = docstring.partition("\n")
    return f"## {title.strip().rstrip('.')}\n\n{rest.strip()}\n"


def build_source(solutions: Path) -> "nbformat.NotebookNode":  # noqa: F821
    """The instructor notebook, built from solutions/<exercise>.py and solutions/free_response.md."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    questions = parse_questions((solutions / QUESTIONS_FILE).read_text(encoding="utf-8"))
    cells = [new_markdown_cell(INTRO, id="assignment-intro")]
    for exercise in EXERCISES.values():
        path = solutions / exercise.file_name
        docstring, chunks = split_module(path.read_text(encoding="utf-8"), str(path))
        cells.append(new_markdown_cell(_intro_markdown(docstring), id=f"{exercise.name}-intro"))
        for order, (is_answer, label, code) in enumerate(chunks, start=1):
            gid = code_id(exercise.name, order, label)
            cells.append(new_code_cell(code, id=gid, metadata=_nbgrader(gid, solution=is_answer, locked=not is_answer)))
        test = TEST_CELL.format(points=exercise.max_score, exercise=exercise.name, notebook=NOTEBOOK)
        cells.append(new_code_cell(test, id=tests_id(exercise.name),
                                   metadata=_nbgrader(tests_id(exercise.name), grade=True, locked=True,
                                                      points=exercise.max_score)))
        question = questions.get(exercise.name)
        if question is None:
            raise ValueError(f"{QUESTIONS_FILE} has no section for {exercise.name}")
        cells.append(new_markdown_cell(
            f"### Question ({question.points} points, graded by hand)\n\n{question.question}\n\n"
            f"Write your answer in the next cell.", id=question_id(exercise.name),
            metadata=_nbgrader(question_id(exercise.name), locked=True)))
        cells.append(new_markdown_cell(
            f"### BEGIN SOLUTION\n**Model answer.** {question.model_answer}\n\n**Rubric "
            f"({question.points} points).**\n\n{question.rubric}\n### END SOLUTION",
            id=answer_id(exercise.name),
            metadata=_nbgrader(answer_id(exercise.name), grade=True, solution=True, points=question.points)))
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def dumps(nb) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# The student notebook: nbgrader generate_assignment, run on a scratch copy of the course
# ---------------------------------------------------------------------------------------------------------------


def generate_student(source_nb: str, root: Path) -> str:
    """The student notebook that `nbgrader generate_assignment` makes from `source_nb` (course config of `root`)."""
    from nbgrader.apps import NbGraderAPI

    ensure_bin_on_path()
    with tempfile.TemporaryDirectory(prefix="seqlab-nbgen-") as tmp:
        scratch = Path(tmp)
        config = course_config(root, scratch / "gradebook.db")
        source_dir = scratch / config.CourseDirectory.source_directory / ASSIGNMENT
        source_dir.mkdir(parents=True)
        (source_dir / NOTEBOOK).write_text(source_nb, encoding="utf-8")
        result = NbGraderAPI(config=config).generate_assignment(ASSIGNMENT, force=True, create=True)
        out = scratch / config.CourseDirectory.release_directory / ASSIGNMENT
        if not result["success"] or not (out / NOTEBOOK).is_file():
            raise RuntimeError(f"nbgrader generate_assignment failed:\n{result.get('error') or result.get('log')}")
        produced = sorted(p.name for p in out.iterdir())
        if produced != [NOTEBOOK]:
            raise RuntimeError(f"generate_assignment released more than the notebook: {produced}")
        return (out / NOTEBOOK).read_text(encoding="utf-8")


def normalized(text: str) -> dict:
    """A notebook's content without what nbgrader or Jupyter may vary (nbformat minor, language_info details)."""
    nb = json.loads(text)
    nb.pop("nbformat_minor", None)
    nb.get("metadata", {}).pop("language_info", None)
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("trusted", None)
        cell.pop("execution_count", None)
    return nb


def generate(root: Path, check_only: bool = False) -> list[str]:
    """Rebuilds the instructor and student notebooks of `root`; returns those that were stale.

    With check_only, writes nothing. The student notebook counts as stale when its content (``normalized``)
    differs from what nbgrader makes of the instructor notebook.
    """
    source_path = root / "solutions" / ASSIGNMENT / NOTEBOOK
    student_path = root / "exercises" / ASSIGNMENT / NOTEBOOK
    source_nb = dumps(build_source(root / "solutions"))
    student_nb = generate_student(source_nb, root)
    stale = []
    for path, text, same in ((source_path, source_nb, lambda old: old == source_nb),
                             (student_path, student_nb, lambda old: normalized(old) == normalized(student_nb))):
        if not path.is_file() or not same(path.read_text(encoding="utf-8")):
            stale.append(str(path.relative_to(root)))
            if not check_only:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale
