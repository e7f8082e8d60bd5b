"""Runs one exercise of a submission in a child process and reads back its raw results.

The child is ``python -I -S -c <seqlab/grading/driver.py>`` (``sandbox.python_argv``): isolated mode (no environment
variables, no user site, no script folder on sys.path), numpy and the standard library only, its working directory a
fresh temporary folder holding only that exercise's file and the request, under the limits of
``seqlab.grading.sandbox``. Nothing of the child is imported here: its results are files of plain arrays (loaded
with ``allow_pickle=False``) and small JSON documents, validated before use. Whatever the child does, this function returns an ``ExerciseRun``.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seqlab.grading import driver
from seqlab.grading.cases import Case
from seqlab.grading.outcome import Outcome, clean_record
from seqlab.grading.sandbox import ChildOutcome, Limits, python_argv, run_isolated
from seqlab.grading.spec import Exercise

DRIVER_SOURCE = Path(driver.__file__).read_text()
MAX_JSON_BYTES = 1 << 20
MAX_RESULT_BYTES = 16 << 20  # per array; the largest real result here is a few kB


@dataclass
class ExerciseRun:
    outcomes: dict[str, Outcome]  # one per case, by check name
    child: ChildOutcome


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


def run_exercise(module_file: Path, exercise: Exercise, cases: list[Case], limits: Limits) -> ExerciseRun:
    """Runs every case of one exercise in one child; each case gets an Outcome."""
    with tempfile.TemporaryDirectory(prefix="seqlab-") as tmp:
        work = Path(tmp)
        copy_submission_file(module_file, work / module_file.name)
        request = {"module_file": module_file.name, "calls_source": exercise.calls_source,
                   "checks": [case.request for case in cases]}
        (work / "request.json").write_text(json.dumps(request))
        np.savez(work / "request.npz", **{f"{case.check.name}::{key}": value
                                           for case in cases for key, value in case.arrays.items()})
        child = run_isolated(python_argv(DRIVER_SOURCE), work, limits)
        results = work / "results"
        import_failure = _outcome(results, "import") if results.is_dir() else None
        outcomes = {}
        for k, case in enumerate(cases):
            outcome = import_failure or (_outcome(results, k) if results.is_dir() else None)
            outcomes[case.check.name] = outcome or Outcome(error=_stopped_early(child, limits))
        return ExerciseRun(outcomes, child)
