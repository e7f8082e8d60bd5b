"""The report model: what a grading said, check by check. One dataclass family, serialised here only.

    Report               the exercises graded, and meta (grader version, reference hash, seed kind, protections...)
      ExerciseReport     score / max_score, its checks, and an instructor's override when one applies
        CheckResult      passed, points, and for a failed check: the judge's finding (``detail``), the ids of the
                         known mistakes it reproduces (``mistakes``) and their prose (``diagnosis``), which parts
                         are right (``parts``), which probes agree (``probes``), what they prove and the numpy
                         pitfall (``findings``, ids) with their prose (``explanation``), the kind of failure when
                         the submission gave no result at all (``error``: timeout, crash, ...) and an exception
                         as data (``exception``: type, message, the student's line number and text, the pitfall's id)

Every front door (``seqlab grade``, class grading, overrides, Gradescope, nbgrader) builds, reads and prints
reports through these classes: ``to_dict`` / ``from_dict`` is the JSON layout, ``render`` the table students read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from seqlab.grading import atomic


@dataclass
class CheckResult:
    name: str
    passed: bool
    points: float  # earned
    max_points: float
    detail: str = ""  # why it failed: where the output differs, or the error; empty when passed
    mistakes: list[str] = field(default_factory=list)  # ids of the known mistakes the submission reproduces
    diagnosis: str = ""  # those mistakes in words (built from the ids); empty when none was recognised
    rerun: str = ""  # the command that reruns just this check (public inputs only)
    # no result to judge: timeout, cpu_limit, crash, import, error, missing, not_implemented, missing_file, refused
    error: str = ""
    parts: dict[str, bool] = field(default_factory=dict)  # part -> right? (the gates r, z; the backward states...)
    probes: dict[str, bool] = field(default_factory=dict)  # probe of the same function -> agrees with what is right?
    findings: list[str] = field(default_factory=list)  # ids of what parts and probes prove, and of numpy pitfalls
    explanation: str = ""  # parts, findings and pitfall in words (built from the data above)
    exception: dict | None = None  # an exception: type, message, in, line, function, text (the line's), pitfall (id)

    @property
    def headline(self) -> str:
        """What the student reads first: the named mistakes, else what is localised, else the judge's finding."""
        return self.diagnosis or self.explanation or self.detail

    @property
    def message(self) -> str:
        """The whole feedback line: the headline, then the judge's finding in brackets."""
        return f"{self.headline} [{self.detail}]" if self.headline != self.detail else self.detail

    def fail(self, why: str, error: str = "refused") -> None:
        """Scores this check 0 for a reason found outside the judge (a refused file, for instance)."""
        self.passed, self.points, self.detail, self.mistakes, self.diagnosis = False, 0, why, [], ""
        self.parts, self.probes, self.findings, self.explanation, self.exception = {}, {}, [], "", None
        self.error = error

    def to_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "points": self.points, "max_points": self.max_points,
                "message": self.message, "detail": self.detail, "mistakes": list(self.mistakes),
                "diagnosis": self.diagnosis, "rerun": self.rerun, "error": self.error, "parts": dict(self.parts),
                "probes": dict(self.probes), "findings": list(self.findings), "explanation": self.explanation,
                "exception": dict(self.exception) if self.exception else None}

    @classmethod
    def from_dict(cls, data: dict) -> "CheckResult":
        return cls(data["name"], data["passed"], data["points"], data["max_points"], data.get("detail", ""),
                   list(data.get("mistakes", [])), data.get("diagnosis", ""), data.get("rerun", ""),
                   data.get("error", ""), dict(data.get("parts", {})), dict(data.get("probes", {})),
                   list(data.get("findings", [])), data.get("explanation", ""), data.get("exception"))


@dataclass
class Override:
    """An instructor's score for one exercise, with who set it, when and why."""

    score: float
    reason: str
    by: str
    at: str
    note: str = ""  # e.g. that it was set for an earlier version of the submission

    def to_dict(self) -> dict:
        data = {"score": self.score, "reason": self.reason, "by": self.by, "at": self.at}
        return data | ({"note": self.note} if self.note else {})

    @classmethod
    def from_dict(cls, data: dict) -> "Override":
        return cls(data["score"], data.get("reason", ""), data.get("by", ""), data.get("at", ""),
                   data.get("note", ""))


@dataclass
class ExerciseReport:
    name: str
    score: float
    max_score: float
    tests: list[CheckResult]
    seconds: float = 0.0
    override: Override | None = None
    graded_score: float | None = None  # what the grader gave, when an override replaced it

    def rescore(self) -> None:
        """The score from the checks (an override, when one applies, replaces it)."""
        self.score = self.override.score if self.override else sum(t.points for t in self.tests)

    def to_dict(self) -> dict:
        data = {"score": self.score, "max_score": self.max_score, "seconds": round(self.seconds, 3),
                "tests": [t.to_dict() for t in self.tests]}
        if self.override is not None:
            data |= {"graded_score": self.graded_score, "override": self.override.to_dict()}
        return data

    @classmethod
    def from_dict(cls, name: str, data: dict) -> "ExerciseReport":
        override = data.get("override")
        return cls(name, data["score"], data["max_score"], [CheckResult.from_dict(t) for t in data["tests"]],
                   data.get("seconds", 0.0), Override.from_dict(override) if override else None,
                   data.get("graded_score"))


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
        return {"total": self.total, "max_total": self.max_total,
                "exercises": {name: e.to_dict() for name, e in self.exercises.items()}, "meta": self.meta}

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        return cls({name: ExerciseReport.from_dict(name, e) for name, e in data["exercises"].items()},
                   dict(data.get("meta", {})))

    @classmethod
    def read_json(cls, path: Path) -> "Report":
        import json

        return cls.from_dict(json.loads(Path(path).read_text()))

    def write_json(self, path: Path, **dump_kwargs) -> None:
        """Atomic: a reader sees the old report or the new one, never half of one."""
        atomic.write_json(path, self.to_dict(), **dump_kwargs)

    def only(self, exercise: str) -> "Report":
        """The same report restricted to one exercise."""
        return Report({exercise: self.exercises[exercise]}, self.meta)

    def render(self) -> str:
        """The table a student reads: one line per exercise, then each distinct problem once, with the
        checks it cost, one example of the numbers and the command that reruns that check."""
        lines = []
        width = max(len(name) for name in self.exercises) if self.exercises else 10
        for name, e in self.exercises.items():
            mark = "ok " if e.score == e.max_score else "   "
            lines.append(f"{mark}{name:<{width}}  {e.score:>5g} / {e.max_score:g}")
            groups: dict[str, list[CheckResult]] = {}
            for t in e.tests:
                if not t.passed:
                    groups.setdefault(t.headline, []).append(t)
            for headline, tests in groups.items():
                lost = sum(t.max_points for t in tests)
                names = ", ".join(t.name for t in tests)
                lines.append(f"      x {names} (-{lost:g}): {headline}")
                first = tests[0]
                if headline != first.detail:
                    lines.append(f"        e.g. {first.name}: {first.detail}")
                if first.rerun:
                    lines.append(f"        rerun: {first.rerun}")
        lines.append(f"{'':3}{'total':<{width}}  {self.total:>5g} / {self.max_total:g}")
        meta = self.meta
        protections = meta.get("protections", [])
        lines.append(f"({meta.get('seed_kind', '?')} inputs; judged by {meta.get('oracle', '?')}; "
                     f"seqlab {meta.get('grader_version', '?')}; {len(protections)} sandbox protections active)")
        return "\n".join(lines)
