"""Runs the exercises of a submission in a sandboxed child and reads back their raw results.

The child is ``python -I -S -c <driver.py + host.py>`` (``sandbox.python_argv``): isolated mode (no environment
variables, no user site, no script folder on sys.path), numpy and the standard library only, its working directory
a fresh temporary folder holding one folder per exercise (that exercise's file and its request), under the limits
of ``seqlab.grading.sandbox``. The host imports numpy once and forks one process per exercise, each with the
exercise's own CPU and wall-clock limits (``seqlab.grading.host``). Nothing of the child is imported here: its
results are files of plain arrays (loaded with ``allow_pickle=False``) and small JSON documents, validated before
use. Whatever the child does, these functions return an ``ExerciseRun`` per exercise.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from seqlab.grading import driver
from seqlab.grading.cases import Case
from seqlab.grading.outcome import Outcome, clean_record
from seqlab.grading.sandbox import ChildOutcome, Limits, python_argv, run_isolated
from seqlab.grading.spec import Exercise

# host.py is never imported here: it is the child's (it forks, and sets the limits of what it forks).
CHILD_SOURCE = Path(driver.__file__).read_text() + "\n\n" + Path(__file__).with_name("host.py").read_text()
# The host's own limits, on top of an exercise's: its start (interpreter, numpy) and its waiting for the forks.
HOST_WALL_MARGIN_SECONDS = 5.0
HOST_CPU_MARGIN_SECONDS = 2
HOST_STATUS = "host.json"
FORKS = hasattr(os, "fork")  # not on Windows: there each exercise gets a child of its own
MAX_JSON_BYTES = 1 << 20
MAX_RESULT_BYTES = 16 << 20  # per array; the largest real result here is a few kB


@dataclass
class ExerciseRun:
    outcomes: dict[str, Outcome]  # one per case, by check name
    child: ChildOutcome  # the exercise's process as the host reported it, or the whole child when it did not
    reported: bool  # the host reported how this exercise's process ended
    finished: bool  # that process exited with 0 after writing a result for every check
    stopped: bool  # the host found it stopped (SIGSTOP, by itself or a sibling) and continued it

    def may_be_a_siblings_doing(self, limits: Limits) -> bool:
        """Whether another exercise of the same submission may have caused this one not to finish: their processes
        share a uid and a folder, so any of them can kill the others (or the host), stop them, or delete or break
        their files. Its own CPU time (its CPU limit) is beyond their reach, and so is a wait of its own: a
        timeout counts only when the process was stopped on the way."""
        if self.finished:
            return False
        if not self.reported:
            return True
        if self.child.timed_out:
            return self.stopped
        return _stopped_early(self.child, limits)[0] != "cpu_limit"


def _stopped_early(child: ChildOutcome, limits: Limits) -> tuple[str, str]:
    """Why a check has no result: the child ended before reporting it."""
    if child.timed_out:
        return "timeout", (f"timed out after {limits.wall_seconds:g} s (an infinite loop, or far too slow?); "
                           f"this check never finished")
    code = child.returncode
    # A signal shows as -N from a direct child, or 128 + N from a sandbox whose init relays it.
    signum = -code if code is not None and code < 0 else code - 128 if code is not None and 128 < code < 160 else None
    if signum == signal.SIGKILL and child.cpu_seconds is not None and child.cpu_seconds >= 0.9 * limits.cpu_seconds:
        # RLIMIT_CPU's hard limit: the kernel's SIGKILL once the child has used its CPU seconds. wait4 reports a
        # little less than the kernel counted (measured: 0.95-1.01 s at a 1 s limit); a SIGKILL well short of
        # the limit is something else (the kernel's OOM killer)
        return "cpu_limit", (f"timed out: used up its {limits.cpu_seconds:g} s of CPU time (an infinite loop, or "
                             f"far too slow?); this check never finished")
    if signum is not None:
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        hint = " (memory limit?)" if name in ("SIGKILL", "SIGSEGV") else ""
        return "crash", f"the exercise's process was killed by {name}{hint} before reporting this check"
    return "crash", (f"the exercise's process exited with code {code} before reporting this check: does the "
                     f"module call sys.exit() / os._exit(), or crash the interpreter?")


def _read_payload(path: Path) -> dict:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise ValueError("result file too large")
    payload = json.loads(path.read_text())
    if not isinstance(payload, dict):
        raise ValueError("result is not a JSON object")
    return payload


def _check_archive(path: Path) -> None:
    """Refuses a results file that would inflate: the driver writes uncompressed members (np.savez), so a
    compressed or oversized member can only be a zip bomb aimed at the grading process's memory."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if member.compress_type != zipfile.ZIP_STORED or member.file_size > MAX_RESULT_BYTES:
                raise ValueError(f"suspicious member {member.filename!r} in the result")


def _outcome(results: Path, k: int) -> Outcome | None:
    """The k-th check's result as the child wrote it, or None when it wrote none (or nothing usable)."""
    meta, data = results / f"{k}.json", results / f"{k}.npz"
    if not meta.is_file():
        return None
    try:
        payload = _read_payload(meta)
        record = clean_record(payload.get("record"))
        if payload.get("error"):
            kind, text = payload["error"]
            return Outcome(error=(str(kind), str(text)[:500]), record=record)
        floats = {str(key): float(value) for key, value in payload.get("floats", {}).items()}
        bad_types = {str(key): str(value)[:200] for key, value in payload.get("bad_types", {}).items()}
        _check_archive(data)
        with np.load(data, allow_pickle=False) as npz:
            arrays = {key: np.array(npz[key]) for key in npz.files}
    except Exception as exc:  # anything malformed that the child wrote
        return Outcome(error=("crash", f"the exercise's process left an unreadable result ({type(exc).__name__})"))
    return Outcome(arrays, floats, bad_types, record=record)


def copy_submission_file(source: Path, target: Path) -> None:
    """Copies a submitted file, refusing anything but a regular file: a symbolic link named gru.py that
    points at solutions/gru.py must not be graded as the student's work."""
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{source.name} is not a regular file")
        target.write_bytes(handle.read())


@dataclass(frozen=True)
class Job:
    """One exercise of a submission to run: the student's file and the cases (checks and probes) to call."""
    module_file: Path
    exercise: Exercise
    cases: list[Case]


def _write_request(folder: Path, job: Job) -> None:
    folder.mkdir()
    copy_submission_file(job.module_file, folder / job.module_file.name)
    request = {"module_file": job.module_file.name, "calls_source": job.exercise.calls_source,
               "checks": [case.request for case in job.cases]}
    (folder / "request.json").write_text(json.dumps(request))
    np.savez(folder / "request.npz", **{f"{case.check.name}::{key}": value
                                         for case in job.cases for key, value in case.arrays.items()})


def _host_report(path: Path, names: list[str], child: ChildOutcome) -> dict[str, tuple[ChildOutcome, bool]]:
    """The host's account of each exercise's process (and whether it was stopped), for the names it covers
    validly (none when unreadable)."""
    try:
        payload = _read_payload(path)
    except (OSError, ValueError):
        return {}
    reported = {}
    for name in names:
        entry = payload.get(name)
        try:
            code, timed_out, stopped = entry["returncode"], entry["timed_out"], entry["stopped"]
            cpu, wall = float(entry["cpu_seconds"]), float(entry["wall_seconds"])
        except (TypeError, KeyError, ValueError):
            continue
        if type(timed_out) is not bool or type(stopped) is not bool or not (code is None or type(code) is int) \
                or (code is None) != timed_out:
            continue
        reported[name] = (ChildOutcome(returncode=code, timed_out=timed_out, output="", output_truncated=False,
                                       wall_seconds=wall, protections=child.protections, cpu_seconds=cpu), stopped)
    return reported


def run_exercises(jobs: list[Job], limits: Limits) -> dict[str, ExerciseRun]:
    """Runs the jobs (distinct exercises) in one sandboxed child, each in its own fork under `limits`."""
    names = [job.exercise.name for job in jobs]
    with tempfile.TemporaryDirectory(prefix="seqlab-") as tmp:
        work = Path(tmp)
        for job in jobs:
            _write_request(work / job.exercise.name, job)
        request = {"exercises": names, "cpu_seconds": int(limits.cpu_seconds), "wall_seconds": limits.wall_seconds}
        host_limits = replace(limits, wall_seconds=limits.wall_seconds + HOST_WALL_MARGIN_SECONDS,
                              cpu_seconds=int(limits.cpu_seconds) + HOST_CPU_MARGIN_SECONDS)
        child = run_isolated(python_argv(CHILD_SOURCE, json.dumps(request)), work, host_limits)
        report = _host_report(work / HOST_STATUS, names, child)
        runs = {}
        for job in jobs:
            own, stopped = report.get(job.exercise.name, (child, False))
            results = work / job.exercise.name / "results"
            import_failure = _outcome(results, "import") if results.is_dir() else None
            outcomes, finished = {}, own is not child and own.returncode == 0
            for k, case in enumerate(job.cases):
                outcome = import_failure or (_outcome(results, k) if results.is_dir() else None)
                finished = finished and outcome is not None
                outcomes[case.check.name] = outcome or Outcome(error=_stopped_early(own, limits))
            runs[job.exercise.name] = ExerciseRun(outcomes, own, own is not child, finished, stopped)
        return runs


def run_submission(jobs: list[Job], limits: Limits) -> dict[str, ExerciseRun]:
    """Runs the exercises of one submission together (``run_exercises``), then again, each in a child of its own,
    every one that did not finish for a reason a sibling may have caused (``may_be_a_siblings_doing``): a hostile
    exercise that kills, stops or deletes what is around it costs its own points and no other's."""
    if not jobs:
        return {}
    if FORKS:
        runs = run_exercises(jobs, limits)
        again = [job for job in jobs if len(jobs) > 1 and runs[job.exercise.name].may_be_a_siblings_doing(limits)]
    else:
        runs, again = {}, jobs
    if again:
        with ThreadPoolExecutor(max_workers=len(again)) as pool:
            for job, alone in zip(again, pool.map(lambda job: run_exercises([job], limits), again)):
                runs[job.exercise.name] = alone[job.exercise.name]
    return runs


def run_exercise(module_file: Path, exercise: Exercise, cases: list[Case], limits: Limits) -> ExerciseRun:
    """Runs every case of one exercise in a child of its own; each case gets an Outcome."""
    return run_exercises([Job(module_file, exercise, cases)], limits)[exercise.name]
