"""``seqlab nbgrade-manual``: grading the free-response answers by hand, headless (what formgrader does in a browser).

    python -m seqlab nbgrade-manual rnn_to_attention                  the answers awaiting a score, each with the
                                                                      question, the model answer and the rubric
    python -m seqlab nbgrade-manual rnn_to_attention --student ID --cell gru-answer --score 4 [--comment TEXT]

Scores and comments go into nbgrader's gradebook as manual scores, so ``nbgrader export`` and
``nbgrader generate_feedback`` include them; the model answers and rubrics come from the instructor notebook in
solutions/ and are printed here only.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from seqlab.notebooks.cells import cell_text, grade_id


def _cells_by_id(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return {gid: cell_text(cell) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if (gid := grade_id(cell)) is not None}


def _without_markers(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def _indent(text: str) -> str:
    return textwrap.indent(text.strip() or "(empty)", "    ")


def _set_score(gb, args, notebooks) -> int:
    from nbgrader.api import MissingEntry

    where = [nb.name for nb in notebooks if args.cell in {cell.name for cell in nb.grade_cells}]
    if not where:
        print(f"seqlab nbgrade-manual: no graded cell {args.cell!r} in {args.assignment}", file=sys.stderr)
        return 2
    try:
        grade = gb.find_grade(args.cell, where[0], args.assignment, args.student)
    except MissingEntry:
        print(f"seqlab nbgrade-manual: {args.student} has no autograded submission of {args.assignment}",
              file=sys.stderr)
        return 2
    if not 0 <= args.score <= grade.max_score:
        print(f"seqlab nbgrade-manual: a score for {args.cell} is between 0 and {grade.max_score:g}", file=sys.stderr)
        return 2
    grade.manual_score = args.score
    grade.needs_manual_grade = False
    if args.comment is not None:
        try:
            gb.find_comment(args.cell, where[0], args.assignment, args.student).manual_comment = args.comment
        except MissingEntry:
            pass  # a cell without a comment slot (not a solution cell)
    gb.db.commit()
    print(f"{args.student} {args.cell}: {args.score:g} / {grade.max_score:g}")
    return 0


def main(args) -> int:
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    from seqlab.course.nbgrade.config import course_config, ensure_bin_on_path

    root = Path(args.course).resolve()
    if not (root / "nbgrader_config.py").is_file():
        print(f"seqlab nbgrade-manual: no nbgrader_config.py in {root} (run it in the course root, or --course)",
              file=sys.stderr)
        return 2
    ensure_bin_on_path()
    coursedir = CourseDirectory(config=course_config(root))
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            notebooks = gb.find_assignment(args.assignment).notebooks
        except MissingEntry:
            print(f"seqlab nbgrade-manual: no assignment {args.assignment} in the gradebook "
                  f"(run nbgrader generate_assignment and autograde first)", file=sys.stderr)
            return 2
        if args.score is not None:
            if not (args.student and args.cell):
                print("seqlab nbgrade-manual: --score needs --student and --cell", file=sys.stderr)
                return 2
            return _set_score(gb, args, notebooks)
        shown = 0
        for notebook in notebooks:
            source = _cells_by_id(Path(coursedir.format_path(coursedir.source_directory, ".", args.assignment))
                                  / f"{notebook.name}.ipynb")
            for cell in notebook.grade_cells:
                if cell.cell_type != "markdown":
                    continue  # autograded
                question = source.get(cell.name.replace("-answer", "-question"), "")
                print(f"== {notebook.name} / {cell.name} ({cell.max_score:g} points) ==")
                print(f"Question:\n{_indent(question)}")
                model = _without_markers(source.get(cell.name, ""))
                print(f"Model answer and rubric (instructor only):\n{_indent(model)}")
                for submission in gb.notebook_submissions(notebook.name, args.assignment):
                    student = submission.student.id
                    grade = gb.find_grade(cell.name, notebook.name, args.assignment, student)
                    if not (args.all or grade.needs_manual_grade):
                        continue
                    answers = _cells_by_id(Path(coursedir.format_path(coursedir.autograded_directory, student,
                                                                      args.assignment)) / f"{notebook.name}.ipynb")
                    status = "awaiting a score" if grade.needs_manual_grade else f"scored {grade.score:g}"
                    print(f"-- {student} ({status}):\n{_indent(answers.get(cell.name, '(no answer cell)'))}")
                    print(f"   score it: python -m seqlab nbgrade-manual {args.assignment} --student {student} "
                          f"--cell {cell.name} --score N [--comment TEXT]")
                    shown += 1
                print()
        print(f"{shown} answer(s) listed" + ("" if args.all else " awaiting a score"))
    return 0
