"""A class's submissions: finding them, reading only the files that decide a grade, and staging them for the grader.

    SUBMISSIONS/<student>/<exercise>.py                           a folder laid out like exercises/
    SUBMISSIONS/[submitted/]<student>/<assignment>/*.ipynb        nbgrader's layout (answer cells extracted)

Used by class grading and by the Gradescope autograder. A file is read only when it is a regular file (a link
could point at the answer key) of bounded size; what is hashed for the cache is exactly what is graded.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from seqlab.grading.registry import EXERCISES
from seqlab.grading.report import Report
from seqlab.grading.seeds import ASSIGNMENT

MAX_FILE_BYTES = 1 << 20  # one exercise module (or notebook); anything larger is refused, not read


class ClassGradingError(RuntimeError):
    """Something about the class as a whole is wrong (no submissions, a second run on the same OUT...)."""


# ---------------------------------------------------------------------------------------------------
# Discovery and staging
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    student: str
    kind: str  # "modules" (exercise .py files) or "notebooks" (.ipynb, solution cells extracted)
    path: Path  # the folder that holds the files


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _notebooks_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def _classify(student: str, folder: Path, assignment: str) -> Submission:
    if any(os.path.lexists(folder / e.file_name) for e in EXERCISES.values()):
        return Submission(student, "modules", folder)
    if _is_folder(folder / assignment) and _notebooks_in(folder / assignment):
        return Submission(student, "notebooks", folder / assignment)
    with_notebooks = [d for d in sorted(folder.iterdir()) if _is_folder(d) and _notebooks_in(d)]
    if len(with_notebooks) == 1:  # nbgrader's submitted/<student>/<assignment>/ under another name
        return Submission(student, "notebooks", with_notebooks[0])
    if _notebooks_in(folder):
        return Submission(student, "notebooks", folder)
    return Submission(student, "modules", folder)  # nothing recognisable: graded as all files missing


def discover(root: Path, assignment: str = ASSIGNMENT) -> list[Submission]:
    """One Submission per student folder (sorted by name); nbgrader's ``submitted/`` is looked into."""
    root = Path(root)
    if not root.is_dir():
        raise ClassGradingError(f"{root} is not a folder of submissions")
    base = root / "submitted" if _is_folder(root / "submitted") else root
    found = []
    for entry in sorted(base.iterdir()):
        if entry.name.startswith(".") or not _is_folder(entry):
            continue
        found.append(_classify(entry.name, entry, assignment))
    return found


def read_regular(path: Path) -> bytes | str:
    """The bytes of a plain file, or why it is refused (a link could point at the answer key)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if os.path.islink(path):
            return f"{path.name} is a symbolic link; submit the file itself"
        return f"{path.name} cannot be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return f"{path.name} is not a regular file"
        if info.st_size > MAX_FILE_BYTES:
            return f"{path.name} is {info.st_size} bytes, over the {MAX_FILE_BYTES} bytes allowed"
        return handle.read(MAX_FILE_BYTES + 1)


def submission_files(sub: Submission) -> dict[str, bytes | str]:
    """The files that decide the grade: {name: bytes, or the reason it was refused}. Nothing else is read."""
    if sub.kind == "modules":
        names = [e.file_name for e in EXERCISES.values() if os.path.lexists(sub.path / e.file_name)]
    else:
        names = [p.name for p in _notebooks_in(sub.path)]
    return {name: read_regular(sub.path / name) for name in names}


def submission_hash(files: dict[str, bytes | str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        content = files[name]
        digest.update(name.encode() + b"\0" + (content if isinstance(content, bytes) else b"refused:" + content.encode()))
        digest.update(b"\0")
    return digest.hexdigest()


def _released_cells(root: Path, assignment: str, name: str) -> list[dict] | None:
    """The cells of the released notebook (exercises/<assignment>/<notebook>), as nbgrader's gradebook has them."""
    from seqlab.notebooks.cells import read_cells

    folder = root / "exercises" / assignment
    candidates = [folder / name] + sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    for path in candidates:
        if path.is_file():
            return read_cells(path)
    return None


def extract_notebooks(notebooks: dict[str, bytes], dest: Path, root: Path, assignment: str) -> None:
    """Writes dest/<exercise>.py for every exercise the notebooks hold, statically (nothing is executed).

    An exercise's module is its read-only cells as released and the student's answer cells, after the
    submission is repaired against the release (seqlab.notebooks.repair: copies, pasted and forged cells, deleted
    cells), exactly what ``nbgrader autograde`` grades here; without a released notebook, the submission's own
    cells.
    """
    from seqlab.notebooks.cells import CODE_ID, answer_sources, exercise_module, notebook_template
    from seqlab.notebooks.repair import repair

    for name, content in sorted(notebooks.items()):
        try:
            document = json.loads(content.decode("utf-8"))
            cells = document["cells"]
            if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
                raise ValueError("no list of cells")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{name} is not a notebook ({type(exc).__name__}: {exc})"[:300]) from None
        released = _released_cells(root, assignment, name)
        if released is not None:
            cells = repair(released, cells).cells
        template = notebook_template(released if released is not None else cells)
        answers = answer_sources(cells)
        present = {m["exercise"] for cell in template if (m := CODE_ID.match(cell.grade_id))}
        for exercise in EXERCISES:
            if exercise in present and not (dest / f"{exercise}.py").exists():
                (dest / f"{exercise}.py").write_text(exercise_module(exercise, template, answers), encoding="utf-8")


def stage(sub: Submission, files: dict[str, bytes | str], dest: Path, root: Path,
          assignment: str = ASSIGNMENT) -> dict[str, str]:
    """Writes the gradable modules into dest; returns {exercise: why it could not be graded} for the rest."""
    problems: dict[str, str] = {}
    if sub.kind == "modules":
        for exercise in EXERCISES.values():
            content = files.get(exercise.file_name)
            if isinstance(content, str):
                problems[exercise.name] = content
            elif content is not None:
                (dest / exercise.file_name).write_bytes(content)
        return problems
    refused = [why for why in files.values() if isinstance(why, str)]
    try:
        extract_notebooks({n: c for n, c in files.items() if isinstance(c, bytes)}, dest, root, assignment)
    except ValueError as exc:
        refused.append(str(exc))
    for exercise in EXERCISES.values():
        if refused and not (dest / exercise.file_name).exists():
            problems[exercise.name] = "; ".join(refused)
    return problems


def apply_problems(report: Report, problems: dict[str, str], staging: Path, shown: Path,
                   keep_rerun: bool = True) -> None:
    """Scores the exercises that could not be staged 0 with the reason, and names the submission, not the private
    copy, in every message (the report is changed in place)."""
    for name, why in problems.items():  # refused or unreadable: say why, not "missing file"
        if name in report.exercises:
            for test in report.exercises[name].tests:
                test.fail(why)
            report.exercises[name].rescore()
    for exercise in report.exercises.values():
        for test in exercise.tests:
            test.detail = test.detail.replace(str(staging), str(shown))
            test.diagnosis = test.diagnosis.replace(str(staging), str(shown))
            test.rerun = test.rerun.replace(str(staging), str(shown)) if keep_rerun else ""
