"""A grading report: the scores, each failed check's message, and what it was judged with."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class TestResult:
    name: str
    passed: bool
    points: float  # earned
    max_points: float
    message: str  # empty when passed
    rerun: str = ""  # the command that reruns just this check (public inputs only)
    diagnosis: str = ""  # the recognised mistake, when one was recognised (message starts with it)


@dataclass
class ExerciseReport:
    name: str
    score: float
    max_score: float
    tests: list[TestResult]
    seconds: float = 0.0


@dataclass
class Report:
    exercises: dict[str, ExerciseReport]
    meta: dict = field(default_factory=dict)  # grader version, reference hash, seed kind, protections...

    @property
    def total(self) -> float:
        return sum(e.score for e in self.exercises.values())

    @property
    def max_total(self) -> float:
        return sum(e.max_score for e in self.exercises.values())

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "max_total": self.max_total,
            "exercises": {
                name: {"score": e.score, "max_score": e.max_score, "seconds": round(e.seconds, 3),
                       "tests": [asdict(t) for t in e.tests]}
                for name, e in self.exercises.items()
            },
            "meta": self.meta,
        }

    def write_json(self, path: Path) -> None:
        """Atomic: a reader sees the old report or the new one, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w") as handle:
            json.dump(self.to_dict(), handle, indent=2)
        os.replace(tmp, path)

    def render(self) -> str:
        """The table a student reads: one line per exercise, then each distinct problem once, with the
        checks it cost, one example of the numbers and the command that reruns that check."""
        lines = []
        width = max(len(name) for name in self.exercises) if self.exercises else 10
        for name, e in self.exercises.items():
            mark = "ok " if e.score == e.max_score else "   "
            lines.append(f"{mark}{name:<{width}}  {e.score:>5g} / {e.max_score:g}")
            groups: dict[str, list[TestResult]] = {}
            for t in e.tests:
                if not t.passed:
                    groups.setdefault(t.diagnosis or t.message, []).append(t)
            for headline, tests in groups.items():
                lost = sum(t.max_points for t in tests)
                names = ", ".join(t.name for t in tests)
                lines.append(f"      x {names} (-{lost:g}): {headline}")
                first = tests[0]
                if first.diagnosis:
                    lines.append(f"        e.g. {first.name}: {first.message[len(first.diagnosis):].strip(' []')}")
                if first.rerun:
                    lines.append(f"        rerun: {first.rerun}")
        lines.append(f"{'':3}{'total':<{width}}  {self.total:>5g} / {self.max_total:g}")
        meta = self.meta
        protections = meta.get("protections", [])
        lines.append(f"({meta.get('seed_kind', '?')} inputs; judged by {meta.get('oracle', '?')}; "
                     f"seqlab {meta.get('grader_version', '?')}; {len(protections)} sandbox protections active)")
        return "\n".join(lines)
