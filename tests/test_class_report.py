"""`seqlab class-report OUT` (seqlab.course.insight) on a generated class: the mistakes the class generator injected
appear with the counts it injected, and every way an exercise gave no result is counted where it happened."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from seqlab.course import insight
from seqlab.grading.registry import EXERCISES

REPO = Path(__file__).resolve().parents[1]
# what the generator did to one exercise -> the group the report must count it in
GROUP = {"missing": "missing", "misnamed": "missing", "syntax": "crashed", "stub": "unfinished", "spin": "timed out",
         "sleep": "timed out"}


def injected(described: dict[str, str]) -> tuple[dict[str, Counter], dict[str, Counter]]:
    """From the generator's descriptions: {exercise: Counter(mistake id)} and {exercise: Counter(outcome)}."""
    mistakes = {name: Counter() for name in EXERCISES}
    outcomes = {name: Counter() for name in EXERCISES}
    for student, description in described.items():
        kind, _, detail = description.partition(":")
        touched = {}
        if kind == "wrong":
            for mistake_id in detail.split("+"):
                exercise = mistake_id.split(".")[0]
                mistakes[exercise][mistake_id] += 1
                touched[exercise] = "wrong: mistake named"
        elif kind in ("broken", "timeout"):
            exercise, how = detail.split(":")
            touched[exercise] = GROUP[how]
        for exercise in EXERCISES:
            outcomes[exercise][touched.get(exercise, "full marks")] += 1
    return mistakes, outcomes


@pytest.fixture(scope="module")
def reported(generated_class):
    out = generated_class["out"]
    done = subprocess.run([sys.executable, "-m", "seqlab", "class-report", out], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return out, insight.collect(out)


def test_the_injected_mistakes_appear_with_the_injected_counts(generated_class, reported):
    out, found = reported
    mistakes, outcomes = injected(generated_class["described"])
    assert sum(sum(c.values()) for c in mistakes.values()) >= 10  # the class does make mistakes
    assert any(n > 1 for c in mistakes.values() for n in c.values())  # and some more than once
    for name, exercise in found.exercises.items():
        assert {m: len(who) for m, who in exercise.mistakes.items()} == dict(mistakes[name]), name
        assert {o: len(exercise.with_outcome(o)) for o in insight.OUTCOMES if exercise.with_outcome(o)} == \
            dict(outcomes[name]), name
        for mistake_id, who in exercise.mistakes.items():  # the examples are students who made it
            assert all(mistake_id in generated_class["described"][s] for s in who)
    text = (out / "report.md").read_text()
    for name, counts in mistakes.items():
        for mistake_id, n in counts.items():
            students = sorted(s for s, d in generated_class["described"].items() if mistake_id in d)
            examples = ", ".join(students[:3]) + (", ..." if n > 3 else "")
            assert f"| {mistake_id} | {n} | {examples} |" in text, mistake_id


def test_timed_out_crashed_and_missing_are_counted_by_kind(generated_class, reported):
    out, found = reported
    kinds = {"missing": {"missing_file"}, "misnamed": {"missing_file"}, "syntax": {"import"},
             "stub": {"not_implemented"}, "sleep": {"timeout"},
             "spin": {"cpu_limit"}}
    for student, description in generated_class["described"].items():
        kind, _, detail = description.partition(":")
        for name, exercise in found.exercises.items():
            has = {k for k, who in exercise.kinds.items() if student in who}
            if kind in ("broken", "timeout") and detail.startswith(f"{name}:"):
                how = detail.split(":")[1]
                assert exercise.outcome[student] == GROUP[how], (student, name)
                assert has == kinds[how], (student, name, has)
            elif kind == "wrong":
                assert has <= {"error"}, (student, name, has)  # a wrong formula may raise on some inputs
            else:
                assert exercise.outcome[student] == "full marks" and not has, (student, name)
    text = (out / "report.md").read_text()
    assert "Students with at least one such exercise: timed out 2, crashed 1, missing 2, unfinished 1." in text


def test_the_report_files(reported):
    out, found = reported
    text = (out / "report.md").read_text()
    page = (out / "report.html").read_text()
    figures = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert figures == ["checks.png", "exercises.png", "mistakes.png", "outcomes.png", "scores.png", "time.png"]
    for name in figures:
        assert (out / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"(figures/{name})" in text  # the Markdown links them
    assert page.count('src="data:image/png;base64,') == len(figures)  # the HTML embeds them: one file
    assert not re.search(r'(src|href)="(?!data:)', page)  # and fetches nothing
    assert f"{len(found.students)} students: {len(found.totals)} graded" in text
    for exercise in EXERCISES.values():  # a section of mistakes per exercise
        assert re.search(rf"^### {re.escape(exercise.title)}$", text, re.MULTILINE)
    assert "Grading time" in text and "load average before" in text
