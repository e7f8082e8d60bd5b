"""Grades a whole class: discovery, parallel and resumable grading, one report per student and a CSV gradebook.

    SUBMISSIONS/<student>/<exercise>.py                           a folder laid out like exercises/
    SUBMISSIONS/[submitted/]<student>/<assignment>/*.ipynb        nbgrader's layout (solution cells extracted)
          |
          |  one job per student, `workers` at a time (processes); each job grades its four exercises in
          |  four sandboxed children (seqlab.grader), from a private copy of the submission's regular files
          v
    OUT/graded/<student>.json    what the grader said, with the cache key it was graded under
    OUT/reports/<student>.json   the same with the instructor's overrides applied (seqlab.overrides)
    OUT/grades.csv               student, one column per exercise, total, max_total, overridden, status
    OUT/class.json               where the submissions are and how they are graded (for class-regrade)

Resumable and cached: every report is written atomically as soon as its student is done, so an interrupted run
loses at most the students being graded at that moment. A student is graded again only when the cache key of
the existing graded report differs, i.e. when any of these changed: the submission's files, the grader
(version and a hash of its grading code), reference/, the seed, the time limit. ``force`` grades everyone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import stat
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from seqlab import __version__, overrides
from seqlab.exercises import EXERCISES
from seqlab.fingerprint import tree_hash
from seqlab.overrides import write_json_atomic
from seqlab.seeds import ASSIGNMENT, PUBLIC, SeedSource

PACKAGE = Path(__file__).resolve().parent
MAX_FILE_BYTES = 1 << 20  # one exercise module (or notebook); anything larger is refused, not read
MANIFEST = "class.json"
CSV_NAME = "grades.csv"
# Modules that do not change a score: editing them must not invalidate every cached grade.
NOT_GRADING = {"cli.py", "__main__.py", "overrides.py", "gradescope.py", "release.py", "stubs.py", "notebooks.py",
               "nbcheck.py", "nbgrade.py"}


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


def _read_regular(path: Path) -> bytes | str:
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
    return {name: _read_regular(sub.path / name) for name in names}


def submission_hash(files: dict[str, bytes | str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        content = files[name]
        digest.update(name.encode() + b"\0" + (content if isinstance(content, bytes) else b"refused:" + content.encode()))
        digest.update(b"\0")
    return digest.hexdigest()


def _release_template(root: Path, assignment: str, name: str):
    """The read-only cells as released (exercises/<assignment>/<notebook>), as nbgrader's gradebook has them."""
    from seqlab.nbextract import notebook_template, read_cells

    folder = root / "exercises" / assignment
    candidates = [folder / name] + sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    for path in candidates:
        if path.is_file():
            return notebook_template(read_cells(path))
    return None


def extract_notebooks(notebooks: dict[str, bytes], dest: Path, root: Path, assignment: str) -> None:
    """Writes dest/<exercise>.py for every exercise the notebooks hold, statically (nothing is executed).

    An exercise's module is its read-only cells as released and the student's answer cells (seqlab.nbextract,
    exactly what ``nbgrader autograde`` grades here); without a released notebook, the submission's own cells.
    """
    from seqlab.nbextract import CODE_ID, answer_sources, exercise_module, notebook_template

    for name, content in sorted(notebooks.items()):
        try:
            document = json.loads(content.decode("utf-8"))
            cells = document["cells"]
            if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
                raise ValueError("no list of cells")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{name} is not a notebook ({type(exc).__name__}: {exc})"[:300]) from None
        template = _release_template(root, assignment, name) or notebook_template(cells)
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


# ---------------------------------------------------------------------------------------------------
# Cache keys
# ---------------------------------------------------------------------------------------------------


def grader_hash() -> str:
    """A hash of the code that decides a score (seqlab/ without its CLI, release and bookkeeping modules)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "__pycache__" in relative.parts or relative.as_posix() in NOT_GRADING:
            continue
        digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(sub_hash: str, grader: str, reference: str, source: SeedSource, wall_seconds: float) -> str:
    parts = {"submission": sub_hash, "grader_version": __version__, "grader_hash": grader, "reference_hash": reference,
             "seed_kind": source.kind, "seed": source.seed, "wall_seconds": wall_seconds}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------
# One student (runs in a worker process)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    submission: Submission
    source: SeedSource
    wall_seconds: float
    out: Path
    grader_hash: str
    reference_hash: str
    assignment: str = ASSIGNMENT


_ORACLE = None  # per worker process: the reference, imported once


def _worker_init(root: str) -> None:
    global _ORACLE
    from seqlab.oracle import ReferenceOracle

    _ORACLE = ReferenceOracle(Path(root))
    _ORACLE.root = Path(root)


def grade_job(job: Job) -> dict:
    """Grades one student and writes OUT/graded/<student>.json; returns that report."""
    sub = job.submission
    marker = _marker(job)
    marker.parent.mkdir(exist_ok=True)
    marker.touch()
    try:
        report = _grade(job)
    finally:
        marker.unlink(missing_ok=True)
    write_json_atomic(job.out / "graded" / f"{sub.student}.json", report)
    return report


def apply_problems(report: dict, problems: dict[str, str], staging: Path, shown: Path, keep_rerun: bool = True) -> None:
    """Scores the exercises that could not be staged 0 with the reason, and names the submission, not the private
    copy, in every message (a report dict, Report.to_dict() layout, changed in place)."""
    for name, why in problems.items():  # refused or unreadable: say why, not "missing file"
        if name in report["exercises"]:
            for test in report["exercises"][name]["tests"]:
                test.update(passed=False, points=0, message=why)
            report["exercises"][name]["score"] = 0
    for exercise in report["exercises"].values():
        for test in exercise["tests"]:
            for field_name, value in test.items():
                if isinstance(value, str):
                    test[field_name] = value.replace(str(staging), str(shown))
            if not keep_rerun:
                test["rerun"] = ""
    report["total"] = sum(e["score"] for e in report["exercises"].values())


def _grade(job: Job) -> dict:
    from seqlab.grader import grade
    from seqlab.sandbox import Limits

    sub = job.submission
    files = submission_files(sub)  # read once: what is hashed is what is graded
    sub_hash = submission_hash(files)
    key = cache_key(sub_hash, job.grader_hash, job.reference_hash, job.source, job.wall_seconds)
    with tempfile.TemporaryDirectory(prefix="seqlab-class-") as tmp:
        staging = Path(tmp)
        problems = stage(sub, files, staging, _ORACLE.root, job.assignment)
        report = grade(staging, _ORACLE, job.source, Limits(wall_seconds=job.wall_seconds)).to_dict()
    apply_problems(report, problems, staging, sub.path, keep_rerun=sub.kind == "modules")
    report["meta"].update(student=sub.student, submission=str(sub.path), submission_kind=sub.kind,
                          submission_hash=sub_hash, grader_hash=job.grader_hash, cache_key=key,
                          graded_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    return report


# ---------------------------------------------------------------------------------------------------
# Reports and the gradebook
# ---------------------------------------------------------------------------------------------------


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def finalize(out: Path, student: str, all_overrides: dict | None = None) -> dict | None:
    """Writes OUT/reports/<student>.json from the graded report and the current overrides."""
    graded = _read_json(out / "graded" / f"{student}.json")
    if graded is None:
        return None
    if all_overrides is None:
        all_overrides = overrides.load(out)
    final = overrides.apply(graded, all_overrides.get(student, {}))
    write_json_atomic(out / "reports" / f"{student}.json", final)
    return final


def write_csv(out: Path, failures: dict[str, str] | None = None) -> Path:
    """OUT/grades.csv from every report in OUT/reports (nothing graded is dropped), plus the failed students."""
    failures = dict(failures or {})
    rows = {}
    for path in sorted((out / "reports").glob("*.json")):
        report = _read_json(path)
        if report is None:
            continue
        student = report["meta"].get("student", path.stem)
        scores = [report["exercises"].get(name, {}).get("score", "") for name in EXERCISES]
        status = "graded" if student not in failures else f"stale: {failures.pop(student)}"
        rows[student] = [student, *[_number(s) for s in scores], _number(report["total"]), _number(report["max_total"]),
                         "yes" if report["meta"].get("overrides") else "", status]
    for student, why in failures.items():
        rows[student] = [student, *[""] * len(EXERCISES), "", "", "", f"not graded: {why}"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *EXERCISES, "total", "max_total", "overridden", "status"])
    for student in sorted(rows):
        writer.writerow(rows[student])
    path = out / CSV_NAME
    fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{CSV_NAME}.")
    with os.fdopen(fd, "w", newline="") as handle:
        handle.write(buffer.getvalue())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def _number(value):
    return f"{value:g}" if isinstance(value, (int, float)) else value


# ---------------------------------------------------------------------------------------------------
# The class
# ---------------------------------------------------------------------------------------------------


@dataclass
class ClassResult:
    out: Path
    students: list[str] = field(default_factory=list)  # every student found
    graded: list[str] = field(default_factory=list)  # graded in this run
    cached: list[str] = field(default_factory=list)  # unchanged since their last grading: kept
    failed: dict[str, str] = field(default_factory=dict)  # student -> why no report could be written
    seconds: float = 0.0
    protections: tuple[str, ...] = ()

    @property
    def csv(self) -> Path:
        return self.out / CSV_NAME

    def summary(self) -> str:
        text = (f"{len(self.students)} students: {len(self.graded)} graded, {len(self.cached)} unchanged (kept), "
                f"{len(self.failed)} failed, in {self.seconds:.1f} s")
        for student, why in sorted(self.failed.items()):
            text += f"\n  {student}: {why}"
        return text


class _Lock:
    """One class-grading run per OUT folder at a time (a second one would interleave its reports)."""

    def __init__(self, out: Path):
        self.path = out / ".lock"
        self.fd = None

    def __enter__(self):
        if os.name != "posix":
            return self
        import fcntl

        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise ClassGradingError(f"another class-grading run is using {self.path.parent}") from None
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, initial: int, enabled: bool):
    """tqdm's bar on stderr (students graded so far, rate, time left), or nothing."""
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is an instructor extra; without it, no bar
        return _NoBar()
    if not enabled:
        return _NoBar()
    return tqdm(total=total, initial=initial, unit="student", desc="class-grade", file=sys.stderr,
                dynamic_ncols=True, smoothing=0.1)


def _sources(subs: list[Submission], official: bool, secret: bytes | None) -> dict[str, SeedSource]:
    if not official:
        return {s.student: PUBLIC for s in subs}
    from seqlab.seeds import official as official_source

    if secret is None:
        raise ClassGradingError("official grading needs the course's secret")
    return {s.student: official_source(secret, s.student) for s in subs}


def grade_class(submissions: Path, out: Path, *, workers: int | None = None, force: bool = False,
                official: bool = False, secret: bytes | None = None, secret_file: Path | None = None,
                wall_seconds: float = 10.0, students: list[str] | None = None, assignment: str = ASSIGNMENT,
                progress: bool = True, root: Path | None = None) -> ClassResult:
    """Grades every submission under `submissions` into `out` (see the module docstring)."""
    from seqlab.oracle import REPO_ROOT, reference_available
    from seqlab.sandbox import require_boundary, active_protections

    start = time.perf_counter()
    root = Path(root or REPO_ROOT)
    if not reference_available(root):
        raise ClassGradingError(f"class grading needs the instructor's repository (no reference/ in {root})")
    require_boundary()  # SEQLAB_SANDBOX=required without the boundary: stop before grading anyone
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with _Lock(out):
        subs = discover(submissions, assignment)
        if students:
            unknown = sorted(set(students) - {s.student for s in subs})
            if unknown:
                raise ClassGradingError(f"no submission folder for {', '.join(unknown)} in {submissions}")
            subs = [s for s in subs if s.student in students]
        write_json_atomic(out / MANIFEST, {
            "submissions": str(Path(submissions).resolve()), "official": official, "wall_seconds": wall_seconds,
            "assignment": assignment, "secret_file": str(secret_file) if secret_file else None,
        })
        sources = _sources(subs, official, secret)
        reference = tree_hash(root / "reference")
        grader = grader_hash()
        result = ClassResult(out, [s.student for s in subs], protections=tuple(active_protections()))
        jobs = []
        for sub in subs:
            sub_hash = submission_hash(submission_files(sub))
            key = cache_key(sub_hash, grader, reference, sources[sub.student], wall_seconds)
            previous = _read_json(out / "graded" / f"{sub.student}.json")
            if not force and previous is not None and previous.get("meta", {}).get("cache_key") == key:
                result.cached.append(sub.student)
                continue
            jobs.append(Job(sub, sources[sub.student], wall_seconds, out, grader, reference, assignment))
        bar = _progress(len(subs), len(result.cached), progress)
        try:
            for student in result.cached:
                finalize(out, student)
            _run(jobs, workers or default_workers(), root, result, bar)
        finally:
            bar.close()
            write_csv(out, {s: why for s, why in result.failed.items()})
        result.seconds = time.perf_counter() - start
        return result


def _run(jobs: list[Job], workers: int, root: Path, result: ClassResult, bar, target=None) -> None:
    """Grades the jobs `workers` at a time. A worker that dies takes the pool down with it: the jobs it was
    running (their start marker is still there) are retried alone, so a death is pinned on the submission
    that caused it; the jobs merely queued behind it go to a fresh pool."""
    if not jobs:
        return
    target = target or grade_job  # a picklable function of one Job (tests put a failing one here)
    if workers == 1 or len(jobs) == 1:  # no pool to start: grade here
        _worker_init(str(root))
        for job in jobs:
            _record(job, lambda j=job: target(j), result, bar)
        return
    pending = jobs
    while pending:
        lost = _pool_pass(pending, min(workers, len(pending)), root, result, bar, target)
        suspects = [job for job in lost if _marker(job).exists()] or lost
        for job in lost:
            _marker(job).unlink(missing_ok=True)
        pending = [job for job in lost if job not in suspects]
        for job in suspects:
            if _pool_pass([job], 1, root, result, bar, target):
                _marker(job).unlink(missing_ok=True)
                result.failed[job.submission.student] = (
                    "the grading process died while grading this submission alone; nothing was written for it")
                bar.update()


def _marker(job: Job) -> Path:
    return job.out / ".running" / job.submission.student


def _pool_pass(jobs: list[Job], workers: int, root: Path, result: ClassResult, bar, target) -> list[Job]:
    """One pool over `jobs`; returns the jobs lost to a dead worker (BrokenProcessPool)."""
    lost = []
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                             initargs=(str(root),)) as pool:
        futures = {pool.submit(target, job): job for job in jobs}
        try:
            for future in as_completed(futures):
                job = futures[future]
                try:
                    future.result()
                except BrokenProcessPool:
                    lost.append(job)
                    continue
                _record(job, future.result, result, bar)
        except BaseException:  # Ctrl-C: whatever finished is on disk; drop the rest quickly
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return lost


def _record(job: Job, get, result: ClassResult, bar) -> None:
    student = job.submission.student
    try:
        get()
    except Exception as exc:
        from seqlab.sandbox import SandboxUnavailable

        if isinstance(exc, SandboxUnavailable):
            raise
        result.failed[student] = f"{type(exc).__name__}: {exc}"[:500]
    else:
        finalize(job.out, student)
        result.graded.append(student)
    bar.update()


# ---------------------------------------------------------------------------------------------------
# One student again, and overrides, from an existing OUT folder
# ---------------------------------------------------------------------------------------------------


def manifest(out: Path) -> dict:
    data = _read_json(Path(out) / MANIFEST)
    if data is None:
        raise ClassGradingError(f"{out} holds no class grading ({MANIFEST} missing): run `seqlab class-grade` first")
    return data


def regrade(out: Path, student: str, *, secret: bytes | None = None, progress: bool = False,
            root: Path | None = None) -> ClassResult:
    """Grades one student again (always: the cache is ignored) with the settings of the class's last run."""
    settings = manifest(out)
    return grade_class(Path(settings["submissions"]), out, force=True, official=settings["official"],
                       secret=secret, secret_file=Path(settings["secret_file"]) if settings.get("secret_file") else None,
                       wall_seconds=settings["wall_seconds"], students=[student], assignment=settings["assignment"],
                       progress=progress, root=root)


def override(out: Path, student: str, exercise: str, score: float | None, reason: str | None,
             clear: bool = False) -> dict | None:
    """Sets (or clears) an override, then rewrites that student's report and the CSV. Returns the new report."""
    out = Path(out)
    manifest(out)
    graded = _read_json(out / "graded" / f"{student}.json")
    if clear:
        if not overrides.clear_override(out, student, exercise):
            raise ClassGradingError(f"{student} has no override for {exercise}")
    else:
        if graded is None:
            raise ClassGradingError(f"{student} has not been graded in {out}")
        overrides.set_override(out, student, exercise, score, reason, graded["meta"].get("submission_hash"))
    report = finalize(out, student)
    write_csv(out)
    return report


# ---------------------------------------------------------------------------------------------------
# The commands (seqlab.cli hands over the parsed arguments)
# ---------------------------------------------------------------------------------------------------


def _secret_for(official: bool, secret_file: str | None) -> tuple[bytes | None, Path | None]:
    if not official:
        return None, None
    from seqlab.oracle import REPO_ROOT
    from seqlab.seeds import default_secret_file, load_secret

    path = Path(secret_file) if secret_file else default_secret_file(REPO_ROOT)
    return load_secret(path), path


def _print_result(result: ClassResult) -> None:
    print(result.summary())
    print(f"reports: {result.out / 'reports'}  gradebook: {result.csv}")
    print(f"sandbox: {', '.join(result.protections) or 'none'}")


def main_grade(args) -> int:
    """seqlab class-grade SUBMISSIONS --out OUT [--workers N] [--force] [--official] ..."""
    try:
        secret, secret_path = _secret_for(args.official, args.secret_file)
        result = grade_class(Path(args.submissions), Path(args.out), workers=args.workers, force=args.force,
                             official=args.official, secret=secret, secret_file=secret_path,
                             wall_seconds=args.timeout, students=args.student or None, assignment=args.assignment,
                             progress=not args.no_progress)
    except (ClassGradingError, FileNotFoundError, ValueError) as exc:
        print(f"seqlab class-grade: {exc}", file=sys.stderr)
        return 2
    _print_result(result)
    return 1 if result.failed else 0


def main_regrade(args) -> int:
    """seqlab class-regrade OUT STUDENT"""
    try:
        settings = manifest(Path(args.out))
        secret, _ = _secret_for(settings["official"], args.secret_file or settings.get("secret_file"))
        result = regrade(Path(args.out), args.student, secret=secret, progress=not args.no_progress)
    except (ClassGradingError, FileNotFoundError, ValueError) as exc:
        print(f"seqlab class-regrade: {exc}", file=sys.stderr)
        return 2
    _print_result(result)
    report = _read_json(Path(args.out) / "reports" / f"{args.student}.json")
    if report is not None:
        print(f"{args.student}: {report['total']:g} / {report['max_total']:g}")
    return 1 if result.failed else 0


def main_override(args) -> int:
    """seqlab class-override OUT STUDENT EXERCISE SCORE --reason TEXT  (or --clear)"""
    if not args.clear and (args.score is None or not args.reason):
        print("seqlab class-override: give SCORE and --reason (or --clear)", file=sys.stderr)
        return 2
    try:
        report = override(Path(args.out), args.student, args.exercise, args.score, args.reason, clear=args.clear)
    except (ClassGradingError, KeyError, ValueError) as exc:
        print(f"seqlab class-override: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return 2
    action = "cleared" if args.clear else f"set to {args.score:g} ({args.reason})"
    print(f"override of {args.student}/{args.exercise} {action}")
    if report is not None:
        print(f"{args.student}: {report['total']:g} / {report['max_total']:g} (graded: {report['meta']['graded_total']:g})")
    return 0
