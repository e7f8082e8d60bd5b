"""Grades a whole class: discovery, parallel and resumable grading, one report per student and a CSV gradebook.

    SUBMISSIONS/<student>/<exercise>.py                           a folder laid out like exercises/
    SUBMISSIONS/[submitted/]<student>/<assignment>/*.ipynb        nbgrader's layout (solution cells extracted)
          |
          |  one job per student in a worker process, `workers` at a time, more while cores sit idle (children
          |  that wait: seqlab.course.scheduling); each job grades its four exercises in one sandboxed child,
          |  a process each (seqlab.grading.grader), from a private copy of the submission's regular files;
          |  with --shard K/N only the students of that shard (seqlab.course.shards)
          v
    OUT/graded/<student>.json    what the grader said, with the cache key it was graded under
    OUT/reports/<student>.json   the same with the instructor's overrides applied (seqlab.course.overrides)
    OUT/grades.csv               student, one column per exercise, total, max_total, overridden, status
    OUT/class.json               where the submissions are, how they are graded (for class-regrade), the last run

Resumable and cached: every report is written atomically as soon as its student is done, so an interrupted run
loses at most the students being graded at that moment. A student is graded again only when the cache key of
the existing graded report differs, i.e. when any of these changed: the submission's files, the grader
(version and a hash of seqlab/grading/, everything that decides a score), reference/, the seed, the time limits.
``force`` grades everyone. Discovery and staging of the submissions: ``seqlab.course.submissions``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from seqlab import __version__
from seqlab.course import overrides
from seqlab.course.scheduling import MOST_PER_WORKER, Admission
from seqlab.course.shards import Shard, parse_shard
from seqlab.course.submissions import (ClassGradingError, Submission, apply_problems, discover, stage,
                                       submission_files, submission_hash)
from seqlab.grading import atomic
from seqlab.grading.fingerprint import tree_hash
from seqlab.grading.registry import EXERCISES
from seqlab.grading.report import Report
from seqlab.grading.sandbox import Limits, SandboxUnavailable
from seqlab.grading.seeds import ASSIGNMENT, PUBLIC, SeedSource

GRADING = Path(__file__).resolve().parents[1] / "grading"  # everything that decides a score
DEFAULT_LIMITS = Limits()
MANIFEST = "class.json"
CSV_NAME = "grades.csv"
TICK_SECONDS = 0.25  # how often the scheduler looks at the cores when no student finishes


# ---------------------------------------------------------------------------------------------------
# Cache keys
# ---------------------------------------------------------------------------------------------------


def grader_hash() -> str:
    """A hash of the code that decides a score: the whole of seqlab/grading/ (no hand-kept list of modules)."""
    return tree_hash(GRADING)


def cache_key(sub_hash: str, grader: str, reference: str, source: SeedSource, wall_seconds: float,
              cpu_seconds: int) -> str:
    parts = {"submission": sub_hash, "grader_version": __version__, "grader_hash": grader, "reference_hash": reference,
             "seed_kind": source.kind, "seed": source.seed, "wall_seconds": wall_seconds, "cpu_seconds": cpu_seconds}
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
    cpu_seconds: int = DEFAULT_LIMITS.cpu_seconds
    allow_unisolated: bool = False  # graded although children could reach each other (recorded in the report)


_ORACLE = None  # per worker process: the reference, imported once


def _worker_init(root: str) -> None:
    global _ORACLE
    from seqlab.grading.oracle import ReferenceOracle

    _ORACLE = ReferenceOracle(Path(root))


def grade_job(job: Job) -> Report:
    """Grades one student and writes OUT/graded/<student>.json; returns that report."""
    sub = job.submission
    marker = _marker(job)
    marker.parent.mkdir(exist_ok=True)
    marker.touch()
    try:
        report = _grade(job)
    finally:
        marker.unlink(missing_ok=True)
    report.write_json(job.out / "graded" / f"{sub.student}.json", sort_keys=True)
    return report


def _grade(job: Job) -> Report:
    from seqlab.grading.grader import grade

    start = time.perf_counter()
    sub = job.submission
    files = submission_files(sub)  # read once: what is hashed is what is graded
    sub_hash = submission_hash(files)
    key = cache_key(sub_hash, job.grader_hash, job.reference_hash, job.source, job.wall_seconds, job.cpu_seconds)
    with tempfile.TemporaryDirectory(prefix="seqlab-class-") as tmp:
        staging = Path(tmp)
        problems = stage(sub, files, staging, _ORACLE.root, job.assignment)
        report = grade(staging, _ORACLE, job.source, Limits(wall_seconds=job.wall_seconds, cpu_seconds=job.cpu_seconds))
    apply_problems(report, problems, staging, sub.path, keep_rerun=sub.kind == "modules")
    if sub.kind == "notebooks" and problems and set(problems) >= set(report.exercises):  # no notebook readable
        report.meta["status"] = f"not graded: {next(iter(problems.values()))}"
    report.meta.update(student=sub.student, submission=str(sub.path), submission_kind=sub.kind,
                       submission_hash=sub_hash, grader_hash=job.grader_hash, cache_key=key,
                       graded_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                       grading_seconds=round(time.perf_counter() - start, 3), allow_unisolated=job.allow_unisolated)
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


def read_report(path: Path) -> Report | None:
    """A report this run or an earlier one wrote, or None when there is none (or it is unreadable)."""
    data = _read_json(path)
    try:
        return Report.from_dict(data) if data is not None else None
    except (KeyError, TypeError, ValueError):
        return None


def finalize(out: Path, student: str, all_overrides: dict | None = None) -> Report | None:
    """Writes OUT/reports/<student>.json from the graded report and the current overrides."""
    graded = read_report(out / "graded" / f"{student}.json")
    if graded is None:
        return None
    if all_overrides is None:
        all_overrides = overrides.load(out)
    final = overrides.apply(graded, all_overrides.get(student, {}))
    final.write_json(out / "reports" / f"{student}.json", sort_keys=True)
    return final


def write_csv(out: Path, failures: dict[str, str] | None = None) -> Path:
    """OUT/grades.csv from every report in OUT/reports (nothing graded is dropped), plus the failed students."""
    failures = dict(failures or {})
    rows = {}
    for path in sorted((out / "reports").glob("*.json")):
        report = read_report(path)
        if report is None:
            continue
        student = report.meta.get("student", path.stem)
        scores = [report.exercises[name].score if name in report.exercises else "" for name in EXERCISES]
        status = report.meta.get("status", "graded") if student not in failures else f"stale: {failures.pop(student)}"
        rows[student] = [student, *[_number(s) for s in scores], _number(report.total), _number(report.max_total),
                         "yes" if report.meta.get("overrides") else "", status]
    for student, why in failures.items():
        rows[student] = [student, *[""] * len(EXERCISES), "", "", "", f"not graded: {why}"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *EXERCISES, "total", "max_total", "overridden", "status"])
    for student in sorted(rows):
        writer.writerow(rows[student])
    path = out / CSV_NAME
    atomic.write_text(path, buffer.getvalue())
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
    most_in_flight: int = 0  # the most students graded at once
    extra_started: int = 0  # students started beyond `workers` because cores sat idle
    allow_unisolated: bool = False  # the children could reach each other, and the instructor allowed it

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


def _progress(total: int, initial: int, enabled: bool):
    """tqdm's bar on stderr (students graded so far, rate, time left), or a silent one."""
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="student", desc="class-grade", file=sys.stderr,
                dynamic_ncols=True, smoothing=0.1, disable=not enabled)


def _sources(subs: list[Submission], official: bool, secret: bytes | None) -> dict[str, SeedSource]:
    if not official:
        return {s.student: PUBLIC for s in subs}
    from seqlab.grading.seeds import official as official_source

    if secret is None:
        raise ClassGradingError("official grading needs the course's secret")
    return {s.student: official_source(secret, s.student) for s in subs}


def grade_class(submissions: Path, out: Path, *, workers: int | None = None, force: bool = False,
                official: bool = False, secret: bytes | None = None, secret_file: Path | None = None,
                wall_seconds: float = DEFAULT_LIMITS.wall_seconds, cpu_seconds: int = DEFAULT_LIMITS.cpu_seconds,
                students: list[str] | None = None, shard: Shard | None = None, assignment: str = ASSIGNMENT,
                progress: bool = True, root: Path | None = None, allow_unisolated: bool = False) -> ClassResult:
    """Grades every submission under `submissions` (those of `shard` only, when given) into `out` (see the
    module docstring).

    A machine whose children could reach each other (no bubblewrap, no root with sandbox users) is refused
    (SandboxUnavailable) unless `allow_unisolated`; every report then records ``allow_unisolated: true``.
    """
    from seqlab.grading.oracle import REPO_ROOT, reference_available
    from seqlab.grading.sandbox import (active_protections, readable_by_everyone, require_boundary,
                                        require_private_workdirs)

    start = time.perf_counter()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if int(cpu_seconds) != cpu_seconds or cpu_seconds < 1:
        raise ValueError(f"the CPU-time limit is a whole number of seconds, at least 1 (RLIMIT_CPU), not {cpu_seconds}")
    root = Path(root or REPO_ROOT)
    if not reference_available(root):
        raise ClassGradingError(f"class grading needs the instructor's repository (no reference/ in {root})")
    require_boundary()  # SEQLAB_SANDBOX=required without the boundary: stop before grading anyone
    allowed, allow_unisolated = allow_unisolated, require_private_workdirs(allow_unisolated)
    if not {"private_filesystem", "landlock_filesystem"} & set(active_protections()) and (
            Path(submissions).is_dir() and readable_by_everyone(Path(submissions))):
        if not allowed:  # every child sees the whole file system: the submissions must be closed to other users
            raise SandboxUnavailable(
                f"{submissions} can be read by every user, the sandbox users included, and without bubblewrap or "
                f"Landlock a submission's code could read the others: `chmod -R go-rwx {submissions}`, or pass "
                f"--allow-unisolated to grade anyway (every report records it)")
        allow_unisolated = True
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with _Lock(out):
        shutil.rmtree(out / ".running", ignore_errors=True)  # start markers of an interrupted run: none is running
        subs = discover(submissions, assignment)
        if students:
            unknown = sorted(set(students) - {s.student for s in subs})
            if unknown:
                raise ClassGradingError(f"no submission folder for {', '.join(unknown)} in {submissions}")
            subs = [s for s in subs if s.student in students]
        if shard is not None:
            elsewhere = sorted(s.student for s in subs if students and not shard.holds(s.student))
            if elsewhere:
                raise ClassGradingError(f"{', '.join(elsewhere)} not in shard {shard} (students are shared out by a "
                                        f"hash of their id)")
            subs = [s for s in subs if shard.holds(s.student)]
        settings = {"submissions": str(Path(submissions).resolve()), "official": official, "wall_seconds": wall_seconds,
                    "cpu_seconds": int(cpu_seconds), "assignment": assignment, "shard": str(shard) if shard else None,
                    "secret_file": str(secret_file) if secret_file else None, "allow_unisolated": allow_unisolated}
        previous = {k: v for k, v in (_read_json(out / MANIFEST) or {}).items() if k != "last_run"}
        settings = previous | settings  # a merged class keeps what it was merged from (seqlab.course.shards)
        atomic.write_json(out / MANIFEST, settings, sort_keys=True)
        sources = _sources(subs, official, secret)
        reference = tree_hash(root / "reference")
        grader = grader_hash()
        result = ClassResult(out, [s.student for s in subs], protections=tuple(active_protections()),
                             allow_unisolated=allow_unisolated)
        jobs = []
        for sub in subs:
            sub_hash = submission_hash(submission_files(sub))
            key = cache_key(sub_hash, grader, reference, sources[sub.student], wall_seconds, int(cpu_seconds))
            previous = _read_json(out / "graded" / f"{sub.student}.json")  # its cache key: no need to parse it
            if not force and previous is not None and previous.get("meta", {}).get("cache_key") == key:
                result.cached.append(sub.student)
                continue
            jobs.append(Job(sub, sources[sub.student], wall_seconds, out, grader, reference, assignment,
                            cpu_seconds=int(cpu_seconds), allow_unisolated=allow_unisolated))
        bar = _progress(len(subs), len(result.cached), progress)
        workers = workers or default_workers()
        try:
            for student in result.cached:
                finalize(out, student)
            _run(jobs, workers, root, result, bar)
        finally:
            bar.close()
            write_csv(out, {s: why for s, why in result.failed.items()})
        result.seconds = time.perf_counter() - start
        atomic.write_json(out / MANIFEST, settings | {"last_run": {
            "seconds": round(result.seconds, 1), "graded": len(result.graded), "cached": len(result.cached),
            "failed": len(result.failed), "workers": workers, "cores": default_workers(),
            "most_in_flight": result.most_in_flight, "extra_started": result.extra_started,
            "load_average_before": [round(x, 2) for x in load] if load else None,
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}}, sort_keys=True)
        return result


def _run(jobs: list[Job], workers: int, root: Path, result: ClassResult, bar, target=None) -> None:
    """Grades the jobs `workers` at a time, more while cores sit idle (seqlab.course.scheduling). A worker that dies takes the pool down with it: the jobs it was
    running (their start marker is still there) are retried alone, so a death is pinned on the submission
    that caused it; the jobs merely queued behind it go to a fresh pool."""
    if not jobs:
        return
    target = target or grade_job  # a picklable function of one Job (tests put a failing one here)
    if workers == 1 or len(jobs) == 1:  # no pool to start: grade here, one student after the other
        _worker_init(str(root))
        result.most_in_flight = 1
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


def _began(job: Job) -> bool:
    """Whether a worker has begun grading the job (its start marker exists), or it is still queued."""
    return _marker(job).exists()


def _pool_pass(jobs: list[Job], workers: int, root: Path, result: ClassResult, bar, target) -> list[Job]:
    """One pool over `jobs`, started one student at a time as seqlab.course.scheduling admits them (`workers`
    at once, more while cores sit idle); returns the jobs lost to a dead worker (BrokenProcessPool) or never
    started because of one."""
    admission = Admission(workers, min(MOST_PER_WORKER * workers, len(jobs)))
    pending, running, lost = list(reversed(jobs)), {}, []  # running: future -> job
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    with ProcessPoolExecutor(max_workers=admission.most, mp_context=context, initializer=_worker_init,
                             initargs=(str(root),)) as pool:
        try:
            while pending or running:
                while pending and not lost and admission.wanted(len(running), all(map(_began, running.values()))):
                    job = pending.pop()
                    try:
                        running[pool.submit(target, job)] = job
                    except BrokenProcessPool:
                        lost.append(job)
                done, _ = wait(running, timeout=TICK_SECONDS, return_when=FIRST_COMPLETED)
                admission.measure()
                for future in done:
                    job = running.pop(future)
                    try:
                        future.result()
                    except BrokenProcessPool:
                        lost.append(job)
                        continue
                    _record(job, future.result, result, bar)
                if lost and not running:  # the pool is broken: what was never started goes to a fresh one
                    lost += reversed(pending)
                    pending = []
        except BaseException:  # Ctrl-C: whatever finished is on disk; drop the rest quickly
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            result.most_in_flight = max(result.most_in_flight, admission.peak)
            result.extra_started += admission.extra
    return lost


def _record(job: Job, get, result: ClassResult, bar) -> None:
    student = job.submission.student
    try:
        get()
    except Exception as exc:
        from seqlab.grading.sandbox import SandboxUnavailable

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
    shard = parse_shard(settings["shard"]) if settings.get("shard") else None
    return grade_class(Path(settings["submissions"]), out, force=True, official=settings["official"],
                       secret=secret, secret_file=Path(settings["secret_file"]) if settings.get("secret_file") else None,
                       wall_seconds=settings["wall_seconds"],
                       cpu_seconds=settings.get("cpu_seconds", DEFAULT_LIMITS.cpu_seconds), students=[student],
                       shard=shard, assignment=settings["assignment"], progress=progress, root=root,
                       allow_unisolated=settings.get("allow_unisolated", False))


def override(out: Path, student: str, exercise: str, score: float | None, reason: str | None,
             clear: bool = False) -> Report | None:
    """Sets (or clears) an override, then rewrites that student's report and the CSV. Returns the new report."""
    out = Path(out)
    manifest(out)
    graded = read_report(out / "graded" / f"{student}.json")
    if clear:
        if not overrides.clear_override(out, student, exercise):
            raise ClassGradingError(f"{student} has no override for {exercise}")
    else:
        if graded is None:
            raise ClassGradingError(f"{student} has not been graded in {out}")
        overrides.set_override(out, student, exercise, score, reason, graded.meta.get("submission_hash"))
    report = finalize(out, student)
    write_csv(out)
    return report


# ---------------------------------------------------------------------------------------------------
# The commands (seqlab.cli hands over the parsed arguments)
# ---------------------------------------------------------------------------------------------------


def _secret_for(official: bool, secret_file: str | None) -> tuple[bytes | None, Path | None]:
    if not official:
        return None, None
    from seqlab.grading.oracle import REPO_ROOT
    from seqlab.grading.seeds import default_secret_file, load_secret

    path = Path(secret_file) if secret_file else default_secret_file(REPO_ROOT)
    return load_secret(path), path


def _print_result(result: ClassResult) -> None:
    print(result.summary())
    print(f"reports: {result.out / 'reports'}  gradebook: {result.csv}")
    print(f"sandbox: {', '.join(result.protections) or 'none'}")
    if result.allow_unisolated:
        from seqlab.grading.sandbox import UNISOLATED

        print(f"--allow-unisolated: {UNISOLATED}; every report records allow_unisolated: true")


def main_grade(args) -> int:
    """seqlab class-grade SUBMISSIONS --out OUT [--workers N] [--force] [--official] ..."""
    try:
        secret, secret_path = _secret_for(args.official, args.secret_file)
        shard = parse_shard(args.shard) if args.shard else None
        result = grade_class(Path(args.submissions), Path(args.out), workers=args.workers, force=args.force,
                             official=args.official, secret=secret, secret_file=secret_path,
                             wall_seconds=args.timeout, cpu_seconds=args.cpu_limit, students=args.student or None,
                             shard=shard, assignment=args.assignment, progress=not args.no_progress,
                             allow_unisolated=args.allow_unisolated)
    except (ClassGradingError, FileNotFoundError, ValueError, SandboxUnavailable) as exc:
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
    except (ClassGradingError, FileNotFoundError, ValueError, SandboxUnavailable) as exc:
        print(f"seqlab class-regrade: {exc}", file=sys.stderr)
        return 2
    _print_result(result)
    report = read_report(Path(args.out) / "reports" / f"{args.student}.json")
    if report is not None:
        print(f"{args.student}: {report.total:g} / {report.max_total:g}")
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
        print(f"{args.student}: {report.total:g} / {report.max_total:g} (graded: {report.meta['graded_total']:g})")
    return 0
