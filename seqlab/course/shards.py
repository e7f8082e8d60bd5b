"""A class graded in shards by an existing scheduler (Slurm, Kubernetes, a CI matrix), then merged into one gradebook.

    seqlab class-grade SUBMISSIONS --out OUT-k --shard k/N      (k = 1..N, one process per machine or task)
    seqlab class-merge OUT-1 ... OUT-N --out OUT                 (one gradebook: reports, overrides, CSV)

A student's shard is a hash of the student id alone (``shard_of``), so every machine that sees the same folder
names makes the same split, whatever the order or the set of other students. seqlab stays a single-node tool:
launching the N processes and waiting for them is the scheduler's job (``deploy/``).

Merging refuses what would make the gradebook lie: outputs graded with other settings (official or public
inputs, time limits, assignment), a student with two different results (another submission or other verdicts),
and two different overrides of one exercise of one student.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.course import overrides
from seqlab.course.submissions import ClassGradingError
from seqlab.grading import atomic

SETTINGS = ("official", "wall_seconds", "cpu_seconds", "assignment")  # must agree between merged outputs


@dataclass(frozen=True)
class Shard:
    index: int  # 1..count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, student: str) -> bool:
        return shard_of(student, self.count) == self.index


def parse_shard(text: str) -> Shard:
    """'K/N' with 1 <= K <= N, e.g. '3/8' (Slurm's SLURM_ARRAY_TASK_ID is 1-based already)."""
    k, sep, n = str(text).strip().partition("/")
    try:
        shard = Shard(int(k), int(n)) if sep else None
    except ValueError:
        shard = None
    if shard is None or not 1 <= shard.index <= shard.count:
        raise ValueError(f"--shard takes K/N with 1 <= K <= N (e.g. 2/4), not {text!r}")
    return shard


def shard_of(student: str, count: int) -> int:
    """The shard (1..count) of a student id: sha256 of the id, the same on every machine and in every run."""
    digest = hashlib.sha256(student.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


# ---------------------------------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------------------------------


def result_of(report: dict) -> dict:
    """What a student's grading decided: the submission graded, every score and verdict, the mistakes named and the
    kind of failure. Not when or how fast, nor where the files lay (shards may run on different machines)."""
    return {
        "submission_hash": report.get("meta", {}).get("submission_hash"),
        "total": report.get("total"),
        "exercises": {name: {"score": e.get("score"),
                             "checks": [(t.get("name"), t.get("passed"), t.get("points"), t.get("mistakes"),
                                         t.get("error", "")) for t in e.get("tests", [])]}
                      for name, e in sorted(report.get("exercises", {}).items())},
    }


@dataclass
class MergeResult:
    out: Path
    students: list[str] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)  # student -> the output its report came from
    duplicates: list[str] = field(default_factory=list)  # in two outputs with the same result (kept once)
    not_graded: dict[str, str] = field(default_factory=dict)  # student -> the status the CSV gives
    graders: set[str] = field(default_factory=set)  # grader hashes seen

    def summary(self) -> str:
        text = (f"merged {len(self.students)} students from {len(set(self.sources.values()))} outputs into {self.out}"
                + (f" ({len(self.duplicates)} found twice with the same result)" if self.duplicates else "")
                + (f"; {len(self.not_graded)} not graded" if self.not_graded else ""))
        if len(self.graders) > 1:
            text += f"\nnote: the outputs were graded by {len(self.graders)} different versions of seqlab/grading/"
        return text


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ClassGradingError(f"{path} cannot be read ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict):
        raise ClassGradingError(f"{path} is not a JSON object")
    return data


def _statuses(out: Path, csv_name: str) -> dict[str, str]:
    """{student: status} for the students the output's CSV lists as not (freshly) graded."""
    path = out / csv_name
    if not path.is_file():
        return {}
    with open(path, newline="") as handle:
        return {row["student"]: row["status"] for row in csv.DictReader(handle) if row.get("status", "graded") != "graded"}


def _check_settings(manifests: dict[Path, dict]) -> None:
    for key in SETTINGS:
        values = {source: manifest.get(key) for source, manifest in manifests.items()}
        if len({json.dumps(v) for v in values.values()}) > 1:
            shown = ", ".join(f"{source}: {value!r}" for source, value in values.items())
            raise ClassGradingError(f"the outputs were graded with different {key} ({shown}); merge only outputs "
                                    f"graded with the same settings")


def merge(sources: list[Path], out: Path) -> MergeResult:
    """Merges class-grading outputs (shards, usually) into `out`, a new folder: graded reports, overrides, the
    students' final reports and the CSV, and a class.json that class-regrade and class-override read."""
    from seqlab.course.classroom import CSV_NAME, MANIFEST, finalize, manifest, write_csv

    sources = [Path(s).resolve() for s in sources]
    out = Path(out).resolve()
    if len(set(sources)) != len(sources):
        raise ClassGradingError("an output is named twice")
    if out in sources:
        raise ClassGradingError(f"--out {out} is one of the outputs being merged; merge into a new folder")
    if out.exists() and any(out.iterdir()):
        raise ClassGradingError(f"{out} is not empty; merge into a new folder")
    manifests = {source: manifest(source) for source in sources}
    _check_settings(manifests)

    result = MergeResult(out)
    graded: dict[str, tuple[Path, bytes, dict]] = {}
    conflicts = []
    for source in sources:
        for path in sorted((source / "graded").glob("*.json")):
            raw = path.read_bytes()
            report = _read(path)
            student = report.get("meta", {}).get("student", path.stem)
            result.graders.add(report.get("meta", {}).get("grader_hash", "?"))
            if student in graded:
                first, _, earlier = graded[student]
                if result_of(earlier) != result_of(report):
                    conflicts.append(f"{student}: {first} (total {earlier.get('total')}) and {source} "
                                     f"(total {report.get('total')})")
                else:
                    result.duplicates.append(student)
                continue
            graded[student] = (source, raw, report)
    statuses: dict[str, tuple[Path, str]] = {}
    for source in sources:
        for student, status in _statuses(source, CSV_NAME).items():
            if student in graded and graded[student][0] != source and status.startswith("not graded"):
                conflicts.append(f"{student}: graded in {graded[student][0]}, {status!r} in {source}")
            elif student in statuses and statuses[student][1] != status:
                conflicts.append(f"{student}: {statuses[student][1]!r} in {statuses[student][0]}, {status!r} in {source}")
            else:
                statuses[student] = (source, status)
    if conflicts:
        shown = "\n  ".join(conflicts[:10]) + (f"\n  ... and {len(conflicts) - 10} more" if len(conflicts) > 10 else "")
        raise ClassGradingError(f"{len(conflicts)} students were graded differently in two outputs; nothing was "
                                f"merged (regrade them with the same submission and settings, or leave one output "
                                f"out):\n  {shown}")

    merged_overrides: dict[str, dict[str, dict]] = {}
    for source in sources:
        for student, entries in overrides.load(source).items():
            for exercise, entry in entries.items():
                known = merged_overrides.setdefault(student, {}).get(exercise)
                if known is not None and (known["score"], known.get("reason")) != (entry["score"], entry.get("reason")):
                    raise ClassGradingError(
                        f"two different overrides of {student}/{exercise}: {known['score']:g} ({known.get('reason')}) "
                        f"and {entry['score']:g} ({entry.get('reason')}) in {source}; clear one with "
                        f"`seqlab class-override {source} {student} {exercise} --clear`")
                merged_overrides[student][exercise] = entry

    out.mkdir(parents=True, exist_ok=True)
    (out / "graded").mkdir()
    for student, (source, raw, _) in sorted(graded.items()):
        with atomic.atomic_write(out / "graded" / f"{student}.json", "wb") as handle:
            handle.write(raw)  # as graded, byte for byte
        result.sources[student] = source
    if merged_overrides:
        atomic.write_json(out / overrides.FILE_NAME, merged_overrides, sort_keys=True)
    for student in graded:
        finalize(out, student, merged_overrides)
    failures = {}
    for student, (_, status) in statuses.items():
        why = status.split(": ", 1)[1] if ": " in status else status
        failures[student] = why
        if not status.startswith("stale"):
            result.not_graded[student] = status
    write_csv(out, failures)
    first = manifests[sources[0]]
    atomic.write_json(out / MANIFEST, {
        **{key: first.get(key) for key in (*SETTINGS, "submissions", "secret_file")},
        "shard": None, "merged_from": [str(s) for s in sources],
        "runs": [{"output": str(s), "shard": m.get("shard"), **(m.get("last_run") or {})} for s, m in manifests.items()],
    }, sort_keys=True)
    result.students = sorted(set(graded) | set(result.not_graded))
    return result


def main_merge(args) -> int:
    """seqlab class-merge OUT1 OUT2 ... --out OUT"""
    try:
        result = merge([Path(p) for p in args.outputs], Path(args.out))
    except (ClassGradingError, ValueError) as exc:
        print(f"seqlab class-merge: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    print(f"reports: {result.out / 'reports'}  gradebook: {result.out / 'grades.csv'}")
    return 1 if result.not_graded else 0
