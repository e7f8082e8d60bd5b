"""``seqlab nbgrade-autograde``: nbgrader autograde of every submission, repaired and graded by seqlab, with a
summary.

    python -m seqlab nbgrade-autograde rnn_to_attention          (in the course root, where nbgrader_config.py is)

Each submitted/<student>/<assignment>/ goes through nbgrader's own autograde (its Python API, with the course's
nbgrader_config.py), whose ``seqlab.course.nbgrade.preprocessors`` repair the notebook against the released one
and grade its answer cells without executing it. Before that, every notebook the assignment expects is read with
nbformat. A submission whose notebook is missing or is not a notebook at all is graded all the same, as a stand-in:
the released notebook, marked with why, read from a scratch copy of the submission folder (the student's files
are left as they are). So the gradebook holds that latest submission with 0 points and says why in every test
cell, the export's status says "not graded: ...", the student gets feedback, and no score of an earlier
submission survives. A notebook saved under another name (``rnn_to_attention (1).ipynb``), when it is the only
one, is graded as the expected one, and the feedback says so.

The summary lists each student's autograded points, the points still to grade by hand, the repairs and the time
autograde took; each submission's record (status, scores, repairs) is in
autograded/<student>/<assignment>/<notebook>.seqlab.json. Exit status 1 when a submission could not be graded.
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path


def _problem(path: Path) -> str | None:
    """Why `path` cannot be read as a notebook at all, or None (a readable notebook with odd cells is repaired)."""
    import nbformat

    try:
        document = nbformat.read(path, as_version=4)
        if not isinstance(document.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as exc:  # JSON errors, unreadable files, not a notebook document: all mean the same here
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{type(exc).__name__}: {reason[:200]}"
    return None


def _forget(gb, assignment: str, student: str) -> None:
    """A submission that could not be graded replaces whatever was graded before: no stale score survives it."""
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(student)
    try:
        gb.remove_submission(assignment, student)
    except MissingEntry:
        pass


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


def stand_ins(folder: Path, expected: list[str]) -> dict[str, tuple[str, str, Path | None]]:
    """notebook -> (kind, why, file to grade instead) for each expected notebook that cannot be graded as it is:
    ("renamed", ...) a lone notebook under another name, ("unreadable", ...) a missing file or not a notebook."""
    present = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.name.startswith("."))
    others = [p for p in present if p.name not in expected]
    found = {}
    for name in expected:
        path = folder / name
        if not path.is_file():
            if len(expected) == 1 and len(others) == 1 and _problem(others[0]) is None:
                found[name] = ("renamed", f"graded {others[0].name} as {name}", others[0])
            else:
                found[name] = ("unreadable", "no such file in the submission", None)
        elif (why := _problem(path)) is not None:
            found[name] = ("unreadable", why, None)
    return found


def _stand_in_autograde(config, coursedir, assignment: str, student: str, folder: Path,
                        replaced: dict[str, tuple[str, str, Path | None]]) -> dict:
    """nbgrader autograde of a scratch copy of the submission folder with the stand-ins in place."""
    import json

    from nbgrader.apps import NbGraderAPI

    from seqlab.course.nbgrade.preprocessors import unreadable_stand_in

    release = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    with tempfile.TemporaryDirectory(prefix="seqlab-stand-in-") as tmp:
        scratch = Path(tmp) / student / assignment
        scratch.mkdir(parents=True)
        for path in folder.iterdir():
            if path.is_file() and not path.is_symlink() and path.suffix != ".ipynb":
                shutil.copy2(path, scratch / path.name)  # timestamp.txt, submission_secret.txt
            elif path.suffix == ".ipynb" and path.name not in replaced and path.is_file() and not path.is_symlink():
                shutil.copy2(path, scratch / path.name)
        for name, (kind, why, instead) in replaced.items():
            if kind == "renamed":
                document = json.loads(instead.read_text(encoding="utf-8"))
                document.setdefault("metadata", {}).setdefault("seqlab", {})["renamed_from"] = instead.name
                (scratch / name).write_text(json.dumps(document), encoding="utf-8")
                (scratch / instead.name).unlink(missing_ok=True)
            else:
                if not (release / name).is_file():
                    raise FileNotFoundError(f"no released notebook {release / name}: run nbgrader generate_assignment")
                (scratch / name).write_text(unreadable_stand_in(release / name, name, why), encoding="utf-8")
        moved = copy.deepcopy(config)
        moved.CourseDirectory.submitted_directory = tmp
        return NbGraderAPI(config=moved).autograde(assignment, student, force=True, create=True)


def main(args) -> int:
    import nbformat  # noqa: F401 (fail early, with the import error, when the nbgrader extra is missing)
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from sqlalchemy.exc import SAWarning

    from seqlab.course.nbgrade.config import course_config, ensure_bin_on_path
    from seqlab.course.nbgrade.export import read_record
    from seqlab.course.nbgrade.preprocessors import record_path, write_record
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

    failures, rows, repaired = [], [], []
    for student in students:
        folder = Path(coursedir.format_path(coursedir.submitted_directory, student, args.assignment))
        replaced = stand_ins(folder, expected)
        start = time.perf_counter()
        if replaced:
            result = _stand_in_autograde(config, coursedir, args.assignment, student, folder, replaced)
        else:
            result = api.autograde(args.assignment, student, force=True, create=True)
        seconds = time.perf_counter() - start
        records = {name: read_record(record_path(coursedir, student, args.assignment, Path(name).stem))
                   for name in expected}
        if not result["success"] or any(record is None for record in records.values()):
            why = _error_lines((result.get("log") or "") + "\n" + (result.get("error") or ""))
            with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
                _forget(gb, args.assignment, student)
            timestamp = (folder / "timestamp.txt").read_text().strip() if (folder / "timestamp.txt").is_file() else None
            for name in expected:
                write_record(record_path(coursedir, student, args.assignment, Path(name).stem), student=student,
                             assignment=args.assignment, notebook=Path(name).stem, timestamp=timestamp,
                             status=f"not graded: nbgrader autograde failed: {why}", scores={}, repairs=[])
            failures.append(f"{student}: not graded: nbgrader autograde failed: {why}")
            continue
        statuses = [r["status"] for r in records.values() if r["status"] != "graded"]
        if statuses:
            failures.append(f"{student}: " + "; ".join(statuses))
        repairs = [(Path(name).stem, r["repairs"]) for name, r in records.items() if r["repairs"]]
        if repairs:
            repaired.append((student, repairs))
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            rows.append((student, *_scores(gb, args.assignment, student), sum(len(r) for _, r in repairs),
                         seconds, len(expected)))

    width = max([len("student")] + [len(r[0]) for r in rows])
    print(f"{'student':<{width}}  autograded  to grade by hand  repairs  seconds")
    for student, auto, auto_max, manual, repairs, seconds, notebooks in rows:
        print(f"{student:<{width}}  {auto:>5g} / {auto_max:<4g}  {manual:>16g}  {repairs:>7}  {seconds:7.2f}"
              + (f" ({seconds / notebooks:.2f} per notebook)" if notebooks > 1 else ""))
    for student, repairs in repaired:
        for notebook, items in repairs:
            where = record_path(coursedir, student, args.assignment, notebook).relative_to(root)
            print(f"\n{student}: {len(items)} repair(s) before grading ({where}):")
            for item in items:
                print(f"  - {item['message']}")
    for failure in failures:
        print(f"ERROR {failure}", file=sys.stderr)
    print(f"\n{len(students)} submission(s): {len(students) - len(failures)} graded, {len(failures)} not graded; "
          f"scores are in {coursedir.db_url} (`nbgrader export`), autograded notebooks in "
          f"{coursedir.autograded_directory}/")
    return 1 if failures else 0
