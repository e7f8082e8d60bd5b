"""``seqlab nbgrade-autograde``: nbgrader autograde of every submission, graded by seqlab, with a summary.

    python -m seqlab nbgrade-autograde rnn_to_attention          (in the course root, where nbgrader_config.py is)

For each submitted/<student>/<assignment>/ it first reads every notebook with nbformat: a file that is not a
valid notebook is reported by path and reason, its submission leaves the gradebook (the export then shows 0,
no timestamp) and the other submissions are graded. Each readable submission goes through nbgrader's own
autograde (its Python API, with the course's nbgrader_config.py), whose ``seqlab.course.nbgrade.preprocessors.GradeWithSeqlab`` grades
the answer cells without executing the notebook. The summary lists each student's autograded points, the points
still to grade by hand, and the time autograde took. Exit status 1 when a submission could not be graded.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
import warnings
from pathlib import Path


def _problem(path: Path) -> str | None:
    """Why `path` is not a notebook nbgrader can read, or None."""
    import nbformat

    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as exc:  # JSON errors, schema errors, unreadable files: all mean the same here
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{path}: not a valid notebook ({type(exc).__name__}: {reason[:200]})"
    return None


def _forget(gb, coursedir, assignment: str, student: str) -> None:
    """An unreadable resubmission replaces whatever was graded before: no stale score survives it."""
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(student)
    try:
        gb.remove_submission(assignment, student)
    except MissingEntry:
        pass
    old = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    if old.is_dir():
        shutil.rmtree(old)


def _error_lines(log: str) -> str:
    """The exception lines of nbgrader's captured log (its traceback's last lines), else its last lines."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^[A-Za-z_.]*(Error|Exception|Timeout)\b.*:", line)]
    errors = [e for e in errors if not e.startswith("nbgrader.converters.base.NbGraderException")]
    return " | ".join((errors or lines)[-3:])


def _scores(gb, assignment: str, student: str) -> tuple[float, float, float]:
    """(autograded points, autogradable max, points still to grade by hand) of one submission."""
    submission = gb.find_submission(assignment, student)
    auto = auto_max = manual_max = 0.0
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            if grade.cell.cell_type == "code":
                auto += grade.auto_score or 0.0
                auto_max += grade.max_score
            elif grade.needs_manual_grade or grade.score is None:
                manual_max += grade.max_score
    return auto, auto_max, manual_max


def main(args) -> int:
    import nbformat  # noqa: F401 (fail early, with the import error, when the nbgrader extra is missing)
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from sqlalchemy.exc import SAWarning

    from seqlab.course.nbgrade.config import course_config, ensure_bin_on_path
    from seqlab.grading.oracle import REPO_ROOT
    from seqlab.grading.seeds import default_secret_file, load_secret

    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own session warnings, not ours to fix

    root = Path(args.course).resolve()
    if not (root / "nbgrader_config.py").is_file():
        print(f"seqlab nbgrade-autograde: no nbgrader_config.py in {root} (run it in the course root, or --course)",
              file=sys.stderr)
        return 2
    ensure_bin_on_path()
    config = course_config(root)
    if args.timeout is not None:
        config.GradeWithSeqlab.timeout = args.timeout
    if args.secret_file:
        config.GradeWithSeqlab.secret_file = str(Path(args.secret_file).resolve())
    if config.GradeWithSeqlab.get("inputs", "official") == "official":
        try:  # once, before anyone is graded: every submission needs it
            load_secret(Path(config.GradeWithSeqlab.secret_file) if config.GradeWithSeqlab.get("secret_file")
                        else default_secret_file(REPO_ROOT))
        except (OSError, ValueError) as exc:
            print(f"seqlab nbgrade-autograde: {exc}", file=sys.stderr)
            return 2
    api = NbGraderAPI(config=config)
    coursedir = api.coursedir
    source = Path(coursedir.format_path(coursedir.source_directory, ".", args.assignment))
    expected = sorted(p.name for p in source.glob("*.ipynb"))
    if not expected:
        print(f"seqlab nbgrade-autograde: no notebook in {source}", file=sys.stderr)
        return 2
    submitted = Path(coursedir.format_path(coursedir.submitted_directory, "*", args.assignment))
    students = sorted(p.parent.name for p in submitted.parent.parent.glob(f"*/{args.assignment}") if p.is_dir())
    if args.student:
        students = [s for s in students if s in args.student]
        unknown = sorted(set(args.student) - set(students))
        if unknown:
            print(f"seqlab nbgrade-autograde: no submission from {', '.join(unknown)}", file=sys.stderr)
    if not students:
        print(f"nothing to grade: no {submitted}")
        return 1 if args.student else 0

    failures, rows = [], []
    for student in students:
        folder = Path(coursedir.format_path(coursedir.submitted_directory, student, args.assignment))
        problems = [p for name in expected if (folder / name).is_file() and (p := _problem(folder / name))]
        if problems:
            with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
                _forget(gb, coursedir, args.assignment, student)
            failures.append(f"{student}: not graded: " + "; ".join(problems))
            continue
        start = time.perf_counter()
        result = api.autograde(args.assignment, student, force=True, create=True)
        seconds = time.perf_counter() - start
        if not result["success"]:
            log = (result.get("log") or "") + "\n" + (result.get("error") or "")
            failures.append(f"{student}: nbgrader autograde failed: {_error_lines(log)}")
            continue
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            rows.append((student, *_scores(gb, args.assignment, student), seconds, len(expected)))

    width = max([len("student")] + [len(r[0]) for r in rows])
    print(f"{'student':<{width}}  autograded  to grade by hand  seconds")
    for student, auto, auto_max, manual, seconds, notebooks in rows:
        print(f"{student:<{width}}  {auto:>5g} / {auto_max:<4g}  {manual:>16g}  {seconds:7.2f}"
              + (f" ({seconds / notebooks:.2f} per notebook)" if notebooks > 1 else ""))
    for failure in failures:
        print(f"ERROR {failure}", file=sys.stderr)
    print(f"{len(rows)} submission(s) autograded, {len(failures)} not graded; scores are in {coursedir.db_url} "
          f"(`nbgrader export`), autograded notebooks in {coursedir.autograded_directory}/")
    return 1 if failures else 0
