"""Grades a submission folder: its exercises in one sandboxed child, each in a process of its own, judged here
after the child has exited.

    submission folder --(copy the files)--> child: per exercise import, call, write raw arrays --> parent: judge
                                                                                     ^
                                           expected values and known mistakes -------+ (computed afterwards)

The one grading core: ``seqlab grade`` (``grade``) and the pytest plugin (``grade_selection``, for the checks
pytest selected) both call it, and only present what it decides.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Mapping

from seqlab import __version__
from seqlab.grading import diagnosis, rerun, tolerance
from seqlab.grading.diagnosis import Diagnosis
from seqlab.grading.judge import judge
from seqlab.grading.outcome import Outcome
from seqlab.grading.probes import probe_cases, probe_of
from seqlab.grading.registry import EXERCISES, file_names
from seqlab.grading.report import CheckResult, ExerciseReport, Report
from seqlab.grading.runner import Job, run_submission
from seqlab.grading.sandbox import Limits, active_protections
from seqlab.grading.seeds import PUBLIC, SeedSource
from seqlab.grading.spec import Exercise


def missing_file_message(folder: Path, exercise: Exercise, present: list[str] | None = None) -> str:
    """Why `folder` has no file for `exercise`, with a close name among `present` (default: folder's .py files)."""
    if present is None:
        present = sorted(p.name for p in folder.glob("*.py")) if folder.is_dir() else []
    close = difflib.get_close_matches(exercise.file_name, present, n=1, cutoff=0.6)
    hint = f" Did you mean to name {close[0]} {exercise.file_name}?" if close else ""
    expected = ", ".join(file_names())
    return (f"no {exercise.file_name} in {folder}.{hint} A submission folder holds {expected} "
            f"(found: {', '.join(present) or 'no .py files'})")


# A rerun line helps a student who is chasing wrong numbers; a stub or a missing file needs code or a file first.
NO_RERUN = ("not_implemented", "missing_file")


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


@dataclass
class _Exercise:
    """One exercise of a submission, ready to run: its cases and probes, or why its file cannot be run."""
    exercise: Exercise
    cases: list
    probes: list
    module_file: Path
    problem: str | None
    seconds: float  # spent on it here so far


def _prepare(folder: Path, exercise: Exercise, oracle, source: SeedSource,
             checks: Collection[str] | None) -> _Exercise:
    start = time.perf_counter()
    cases = oracle.cases(exercise, source, checks)
    probes = probe_cases(exercise, cases)
    module_file = folder / exercise.file_name
    if module_file.is_symlink():
        problem = f"{exercise.file_name} is a symbolic link; submit the file itself"
    elif not module_file.is_file():
        problem = missing_file_message(folder, exercise)
    else:
        problem = None
    return _Exercise(exercise, cases, probes, module_file, problem, time.perf_counter() - start)


def _judged(folder: Path, prepared: _Exercise, outcomes: dict[str, Outcome], oracle,
            source: SeedSource) -> ExerciseReport:
    """The exercise's report from what its child returned. Only now, with the child gone, is anything about the
    right answer computed."""
    start = time.perf_counter()
    exercise, cases, probes, problem = prepared.exercise, prepared.cases, prepared.probes, prepared.problem
    tols = {case.check.name: tolerance.for_inputs(case.arrays) for case in cases + probes}
    expected = {case.check.name: oracle.expected(exercise, case) for case in cases}
    verdicts = {case.check.name: judge(outcomes[case.check.name], expected[case.check.name], tols[case.check.name])
                for case in cases}
    diagnoses = {}
    if problem is None and any(verdict is not None for verdict in verdicts.values()):
        expected |= {case.check.name: oracle.expected(exercise, case) for case in probes
                     if probe_of(exercise, case).relation is None}
        diagnoses = diagnosis.diagnose(oracle, exercise, cases, probes, outcomes, expected, verdicts, tols,
                                       _source_lines(prepared.module_file))
    counted = _counted(exercise, verdicts)
    tests = []
    for case in cases:
        name, points = case.check.name, case.check.points
        reason = counted[name]
        if reason is None:
            tests.append(CheckResult(name, True, points, points))
            continue
        d = diagnoses.get(name, Diagnosis())
        error = outcomes[name].error
        suggest = source.kind == "public" and not (error and error[0] in NO_RERUN)
        rerun_command = rerun.seqlab_grade(folder, exercise.name, name) if suggest else ""
        tests.append(CheckResult(name, False, 0, points, reason, d.mistakes, d.diagnosis, rerun_command,
                                 error[0] if error else "", parts=d.parts, probes=d.probes, findings=d.findings,
                                 explanation=d.explanation, exception=d.exception))
    return ExerciseReport(exercise.name, sum(t.points for t in tests), sum(t.max_points for t in tests), tests,
                          prepared.seconds + time.perf_counter() - start)


def grade(folder: Path, oracle, source: SeedSource = PUBLIC, limits: Limits = Limits(),
          only: str | None = None, only_check: str | None = None) -> Report:
    """Grades the exercises of one folder (`only` one of them; `only_check` one of its checks)."""
    names = [only] if only else list(EXERCISES)
    return grade_selection(folder, oracle, source, limits, {name: [only_check] if only_check else None
                                                            for name in names})


def grade_selection(folder: Path, oracle, source: SeedSource, limits: Limits,
                    selection: Mapping[str, Collection[str] | None]) -> Report:
    """Grades the selected checks of one folder ({exercise: check names, or None for all}): the exercises run
    together in one sandboxed child, each in a process of its own (``runner.run_submission``)."""
    prepared = [_prepare(folder, EXERCISES[name], oracle, source, checks) for name, checks in selection.items()]
    runnable = [p for p in prepared if p.problem is None]
    start = time.perf_counter()
    runs = run_submission([Job(p.module_file, p.exercise, p.cases + p.probes) for p in runnable], limits)
    child_seconds = time.perf_counter() - start
    reports = {}
    for p in prepared:
        if p.problem is None:
            outcomes = runs[p.exercise.name].outcomes
            p.seconds += child_seconds
        else:
            outcomes = {case.check.name: Outcome(error=("missing_file", p.problem)) for case in p.cases + p.probes}
        reports[p.exercise.name] = _judged(folder, p, outcomes, oracle, source)
    meta = {
        "grader_version": __version__,
        "oracle": oracle.kind,
        "reference_hash": oracle.reference_hash,
        "seed_kind": source.kind,
        "student": source.student,
        "submission": str(folder),
        "protections": list(active_protections()),
        "wall_seconds_limit": limits.wall_seconds,
        "cpu_seconds_limit": limits.cpu_seconds,
    }
    return Report(reports, meta)
