"""Grades a submission folder: every exercise in its own child, judged here after the child has exited.

    submission folder --(copy one file)--> child: import, call, write raw arrays --> parent: judge
                                                                                     ^
                                           expected values and known mistakes -------+ (computed afterwards)
"""

from __future__ import annotations

import difflib
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from seqlab import __version__
from seqlab.grading import diagnosis, tolerance
from seqlab.grading.diagnosis import Diagnosis
from seqlab.grading.judge import judge
from seqlab.grading.outcome import Outcome
from seqlab.grading.probes import probe_cases, probe_of
from seqlab.grading.registry import EXERCISES, file_names
from seqlab.grading.report import CheckResult, ExerciseReport, Report
from seqlab.grading.runner import run_exercise
from seqlab.grading.sandbox import Limits, active_protections
from seqlab.grading.seeds import PUBLIC, SeedSource
from seqlab.grading.spec import Exercise


def missing_file_message(folder: Path, exercise: Exercise) -> str:
    present = sorted(p.name for p in folder.glob("*.py")) if folder.is_dir() else []
    close = difflib.get_close_matches(exercise.file_name, present, n=1, cutoff=0.6)
    hint = f" Did you mean to name {close[0]} {exercise.file_name}?" if close else ""
    expected = ", ".join(file_names())
    return (f"no {exercise.file_name} in {folder}.{hint} A submission folder holds {expected} "
            f"(found: {', '.join(present) or 'no .py files'})")


def _rerun_command(folder: Path, exercise: str, check: str) -> str:
    return f"python -m seqlab grade {folder} --only {exercise} --check {check}"


def _source_lines(module_file: Path) -> list[str]:
    """The submission's text (read, never imported): a pitfall is reasoned from the lines around the failing one."""
    try:
        return module_file.read_text(errors="replace").splitlines()
    except OSError:
        return []


def _counted(exercise: Exercise, verdicts: dict[str, str | None]) -> dict[str, str | None]:
    """The verdicts with no free points: a trivial check (a do-nothing function passes it) that passed counts only
    when a main check of the same function passed too."""
    counted = dict(verdicts)
    for check in exercise.checks:
        if check.trivial and verdicts.get(check.name) is None and check.name in verdicts:
            mains = exercise.main_checks(check)
            if not any(verdicts.get(main.name, "") is None for main in mains):
                counted[check.name] = (f"passed, but this check counts only together with a main check of "
                                       f"{exercise.function_of(check)} ({', '.join(m.name for m in mains)}), and "
                                       f"none of them passed")
    return counted


def grade_exercise(folder: Path, exercise: Exercise, oracle, source: SeedSource, limits: Limits,
                   only_check: str | None = None) -> ExerciseReport:
    start = time.perf_counter()
    cases = oracle.cases(exercise, source, only_check)
    probes = probe_cases(exercise, cases)
    module_file = folder / exercise.file_name
    if module_file.is_symlink():
        problem = f"{exercise.file_name} is a symbolic link; submit the file itself"
    elif not module_file.is_file():
        problem = missing_file_message(folder, exercise)
    else:
        problem = None
    if problem is None:
        outcomes = run_exercise(module_file, exercise, cases + probes, limits).outcomes
    else:
        outcomes = {case.check.name: Outcome(error=("missing_file", problem)) for case in cases + probes}
    # Only now, with the child gone, is anything about the right answer computed.
    tols = {case.check.name: tolerance.for_inputs(case.arrays) for case in cases + probes}
    expected = {case.check.name: oracle.expected(exercise, case) for case in cases}
    verdicts = {case.check.name: judge(outcomes[case.check.name], expected[case.check.name], tols[case.check.name])
                for case in cases}
    diagnoses = {}
    if problem is None and any(verdict is not None for verdict in verdicts.values()):
        expected |= {case.check.name: oracle.expected(exercise, case) for case in probes
                     if probe_of(exercise, case).relation is None}
        diagnoses = diagnosis.diagnose(oracle, exercise, cases, probes, outcomes, expected, verdicts, tols,
                                       _source_lines(module_file))
    counted = _counted(exercise, verdicts)
    tests = []
    for case in cases:
        name, points = case.check.name, case.check.points
        reason = counted[name]
        if reason is None:
            tests.append(CheckResult(name, True, points, points))
            continue
        d = diagnoses.get(name, Diagnosis())
        rerun = _rerun_command(folder, exercise.name, name) if source.kind == "public" else ""
        tests.append(CheckResult(name, False, 0, points, reason, d.mistakes, d.diagnosis, rerun, parts=d.parts,
                                 probes=d.probes, findings=d.findings, explanation=d.explanation, error=d.error))
    return ExerciseReport(exercise.name, sum(t.points for t in tests), sum(t.max_points for t in tests), tests,
                          time.perf_counter() - start)


def grade(folder: Path, oracle, source: SeedSource = PUBLIC, limits: Limits = Limits(),
          only: str | None = None, only_check: str | None = None) -> Report:
    """Grades the exercises of one folder concurrently (each in its own child process)."""
    exercises = [EXERCISES[only]] if only else list(EXERCISES.values())
    with ThreadPoolExecutor(max_workers=len(exercises)) as pool:
        futures = {e.name: pool.submit(grade_exercise, folder, e, oracle, source, limits, only_check)
                   for e in exercises}
        reports = {name: future.result() for name, future in futures.items()}
    meta = {
        "grader_version": __version__,
        "oracle": oracle.kind,
        "reference_hash": oracle.reference_hash,
        "seed_kind": source.kind,
        "student": source.student,
        "submission": str(folder),
        "protections": list(active_protections()),
        "wall_seconds_limit": limits.wall_seconds,
    }
    return Report(reports, meta)
