"""Manual score overrides: the instructor's word on one exercise of one student, kept apart from what was graded.

Overrides live in ``OUT/overrides.json``, never inside a graded report, so regrading (which rewrites the graded
report) cannot lose them. They are applied whenever a student's report or the class CSV is written:

    OUT/graded/<student>.json  +  OUT/overrides.json  -->  OUT/reports/<student>.json, OUT/grades.csv

An applied override keeps the graded score beside it (``graded_score``) and its reason, in the exercise's
entry and in ``meta.overrides``, so a report always says that a person, not the grader, set that score.
"""

from __future__ import annotations

import copy
import getpass
import json
import os
import time
from pathlib import Path

from seqlab.grading import atomic
from seqlab.grading.registry import EXERCISES
from seqlab.grading.report import Override, Report

FILE_NAME = "overrides.json"


def load(out: Path) -> dict[str, dict[str, dict]]:
    """{student: {exercise: {"score", "reason", "by", "at", ...}}}; empty when none was ever set."""
    path = Path(out) / FILE_NAME
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JSON object")
    return data


def set_override(out: Path, student: str, exercise: str, score: float, reason: str,
                 submission_hash: str | None = None) -> dict:
    """Records (or replaces) one override and returns it. The score must lie within the exercise's points."""
    if exercise not in EXERCISES:
        raise KeyError(f"unknown exercise {exercise!r}; the exercises are: {', '.join(EXERCISES)}")
    max_score = EXERCISES[exercise].max_score
    score = float(score)
    if not 0 <= score <= max_score:
        raise ValueError(f"an override of {exercise} must lie in [0, {max_score}], not {score:g}")
    if not reason or not reason.strip():
        raise ValueError("an override needs a reason (--reason): it is shown in the student's report")
    data = load(out)
    entry = {"score": score, "reason": reason.strip(), "by": _who(),
             "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "submission_hash": submission_hash}
    data.setdefault(student, {})[exercise] = entry
    atomic.write_json(Path(out) / FILE_NAME, data, sort_keys=True)
    return entry


def clear_override(out: Path, student: str, exercise: str) -> bool:
    """Removes one override; False when there was none."""
    data = load(out)
    if exercise not in data.get(student, {}):
        return False
    del data[student][exercise]
    if not data[student]:
        del data[student]
    atomic.write_json(Path(out) / FILE_NAME, data, sort_keys=True)
    return True


def apply(report: Report, student_overrides: dict[str, dict]) -> Report:
    """A copy of a graded report with this student's overrides applied."""
    result = copy.deepcopy(report)
    applied = []
    for exercise, entry in sorted(student_overrides.items()):
        target = result.exercises.get(exercise)
        if target is None:  # graded with --only, or an exercise since removed: nothing to override
            continue
        stale = entry.get("submission_hash") and entry["submission_hash"] != report.meta.get("submission_hash")
        # the submission changed since the override was set: it still applies, and says so
        note = "set for an earlier version of this submission" if stale else ""
        target.graded_score = target.score
        target.override = Override(entry["score"], entry.get("reason", ""), entry.get("by", ""), entry.get("at", ""),
                                   note)
        target.rescore()
        applied.append({"exercise": exercise, "graded_score": target.graded_score, **target.override.to_dict()})
    result.meta["graded_total"] = report.total
    result.meta["overrides"] = applied
    return result


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a container without /etc/passwd entry)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
