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
from seqlab.cases import Case, build_cases
from seqlab.checks import Exercise
from seqlab.exercises import EXERCISES
from seqlab.judge import judge, matches
from seqlab.outcome import Outcome
from seqlab.report import ExerciseReport, Report, TestResult
from seqlab.runner import run_exercise
from seqlab.sandbox import Limits, active_protections
from seqlab.seeds import PUBLIC, SeedSource
from seqlab import tolerance


def missing_file_message(folder: Path, exercise: Exercise) -> str:
    present = sorted(p.name for p in folder.glob("*.py")) if folder.is_dir() else []
    close = difflib.get_close_matches(exercise.file_name, present, n=1, cutoff=0.6)
    hint = f" Did you mean to name {close[0]} {exercise.file_name}?" if close else ""
    expected = ", ".join(e.file_name for e in EXERCISES.values())
    return (f"no {exercise.file_name} in {folder}.{hint} A submission folder holds {expected} "
            f"(found: {', '.join(present) or 'no .py files'})")


def matching_mistakes(oracle, exercise: str, case: Case, got: Outcome, expected: Outcome, tol) -> list[str]:
    """The messages of every known mistake that the submission reproduces on this case, in order."""
    return [message for message, variant in oracle.variants(exercise, case)
            if judge(variant, expected, tol) is not None and matches(got, variant, tol)]


def pick_diagnoses(candidates: dict[str, list[str]]) -> dict[str, str]:
    """One consistent story per exercise: several mistakes can coincide on one input (with h_prev = 0 three
    GRU mistakes give the same numbers), so each failed check is named after the mistake that explains the
    most failed checks of the exercise, when that one matches it, else after its own first match."""
    counts: dict[str, int] = {}
    for messages in candidates.values():
        for message in messages:
            counts[message] = counts.get(message, 0) + 1
    chosen = {}
    for check, messages in candidates.items():
        if messages:
            chosen[check] = max(messages, key=lambda m: (counts[m], -messages.index(m)))
    return chosen


def _rerun_command(folder: Path, exercise: str, check: str) -> str:
    return f"python -m seqlab grade {folder} --only {exercise} --check {check}"


def grade_exercise(folder: Path, exercise: Exercise, oracle, source: SeedSource, limits: Limits,
                   only_check: str | None = None) -> ExerciseReport:
    start = time.perf_counter()
    if hasattr(oracle, "cases"):  # a release: inputs come with the precomputed answers
        cases = [c for c in oracle.cases(exercise) if only_check in (None, c.check.name)]
    else:
        cases = build_cases(exercise, source, only_check)
    module_file = folder / exercise.file_name
    if module_file.is_symlink():
        problem = f"{exercise.file_name} is a symbolic link; submit the file itself"
    elif not module_file.is_file():
        problem = missing_file_message(folder, exercise)
    else:
        problem = None
    if problem is None:
        outcomes = run_exercise(module_file, cases, limits).outcomes
    else:
        outcomes = {case.check.name: Outcome(error=("missing_file", problem)) for case in cases}
    # Only now, with the child gone, is anything about the right answer computed.
    verdicts, candidates = {}, {}
    for case in cases:
        got = outcomes[case.check.name]
        expected = oracle.expected(exercise.name, case)
        tol = tolerance.for_inputs(case.arrays)
        verdicts[case.check.name] = reason = judge(got, expected, tol)
        if reason is not None and got.error is None:
            candidates[case.check.name] = matching_mistakes(oracle, exercise.name, case, got, expected, tol)
    diagnoses = pick_diagnoses(candidates)
    tests = []
    for case in cases:
        name = case.check.name
        reason, diagnosis = verdicts[name], diagnoses.get(name, "")
        if diagnosis:
            reason = f"{diagnosis} [{reason}]"
        passed = reason is None
        rerun = "" if passed or source.kind != "public" else _rerun_command(folder, exercise.name, name)
        tests.append(TestResult(name, passed, case.check.points if passed else 0, case.check.points,
                                reason or "", rerun, diagnosis))
    score = sum(t.points for t in tests)
    return ExerciseReport(exercise.name, score, sum(t.max_points for t in tests), tests,
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
