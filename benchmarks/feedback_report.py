"""What the feedback says on the corpora, measured: per exercise, how many submissions are named, localised only or
shown only where they differ; and every corpus case's per-check results, recorded, to compare two versions.

    python -m benchmarks.feedback_report table [--json OUT]   the table, from tests/corpus (public inputs)
    python -m benchmarks.feedback_report record OUT.json       every case's per-check results (passed, points,
                                                               message, mistakes), whole folders as `seqlab grade`
    python -m benchmarks.feedback_report compare OLD.json NEW.json   the scores and checks that changed

A submission is *named* when a failed check names a known mistake (for the mutant and combined corpora: every one
it makes, and no other; in the other-conventions corpus, whose wrong submissions make mistakes of their own, any
name is a wrong one), *localised* when no mistake is named but a failed check says which parts are right or what
a probe or a numpy pitfall proves, *where-only* when only the first differing entry is shown; *full* when it keeps
full marks with no diagnosis.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from seqlab.grading.grader import grade
from seqlab.grading.oracle import ReferenceOracle
from seqlab.grading.registry import EXERCISES
from seqlab.grading.sandbox import Limits
from seqlab.grading.seeds import PUBLIC
from tests.corpus import CORPUS, load, materialize, new_token

FEEDBACK_CORPORA = ("mutants", "combined", "conventions", "crashes", "null")
LIMITS = Limits(wall_seconds=30)
HANG_LIMITS = Limits(wall_seconds=3)


def verdict(case: dict, report) -> str:
    failed = [t for t in report.tests if not t.passed]
    named = {m for t in failed for m in t.mistakes}
    if not failed:
        return "full" if not named else "wrong name"
    expected = set(case.get("mistakes", []))
    if named:
        if expected and named != expected:
            return "named (part)" if named < expected else "wrong name"
        # A submission in another convention that makes a mistake of its own must not be given a known one.
        return "wrong name" if "right" in case else "named"
    if any(t.explanation for t in failed):
        return "localised"
    return "where-only"


def _graded(corpus: str, root: Path, oracle) -> list[tuple[str, dict, object]]:
    cases = load(corpus)

    def run(item):
        name, case = item
        folder = materialize(case, root / corpus / name.replace("/", "__"), key=corpus != "null")
        only = case["exercise"] if len(case["exercises"]) == 1 else None
        return name, case, grade(folder, oracle, PUBLIC, LIMITS, only=only)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(run, cases.items()))


def table(out: Path | None) -> dict:
    oracle, root = ReferenceOracle(), Path(tempfile.mkdtemp(prefix="seqlab-feedback-"))
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for corpus in FEEDBACK_CORPORA:
        for name, case, report in _graded(corpus, root, oracle):
            for exercise in case["exercises"]:
                counts[exercise][corpus][verdict(case, report.exercises[exercise])] += 1
    kinds = ("named", "named (part)", "localised", "where-only", "full", "wrong name")
    print(f"{'exercise':<18} {'corpus':<12} " + " ".join(f"{k:>12}" for k in kinds))
    for exercise in EXERCISES:
        for corpus in FEEDBACK_CORPORA:
            row = counts[exercise][corpus]
            print(f"{exercise:<18} {corpus:<12} " + " ".join(f"{row[k]:>12}" for k in kinds))
    result = {"load_average": os.getloadavg(),
              "counts": {e: {c: dict(counts[e][c]) for c in FEEDBACK_CORPORA} for e in EXERCISES}}
    if out:
        out.write_text(json.dumps(result, indent=1))
    return result


def record(out: Path) -> None:
    """Every case of every corpus, graded as a whole folder (the answer key for the exercises it does not replace)."""
    oracle, root = ReferenceOracle(), Path(tempfile.mkdtemp(prefix="seqlab-record-"))
    found = {}
    for corpus in sorted(p.parent.name for p in CORPUS.glob("*/cases.toml")):
        for name, case in load(corpus).items():
            folder = root / corpus / name.replace("/", "__")
            materialize(case, folder, key=corpus != "null", REPO=str(CORPUS.parents[1]), OUT=str(root / "out"),
                        STUDENT=name, TOKEN=new_token())
            limits = HANG_LIMITS if case.get("limit") == "hang" or case.get("timeout") else LIMITS
            report = grade(folder, oracle, PUBLIC, limits)
            found[f"{corpus}/{name}"] = {exercise: {"score": e.score, "tests": [
                {key: t.to_dict()[key] for key in ("name", "passed", "points", "message", "mistakes")}
                for t in e.tests]} for exercise, e in report.exercises.items()}
            print(corpus, name, {exercise: e.score for exercise, e in report.exercises.items()}, flush=True)
    out.write_text(json.dumps(found, indent=1))


def compare(old: Path, new: Path) -> None:
    before, after = json.loads(old.read_text()), json.loads(new.read_text())
    for case in sorted(set(before) & set(after)):
        for exercise, was in before[case].items():
            now = after[case][exercise]
            changed = [(a["name"], a["passed"], a["points"], b["passed"], b["points"])
                       for a, b in zip(was["tests"], now["tests"]) if (a["passed"], a["points"]) != (b["passed"], b["points"])]
            if was["score"] != now["score"] or changed:
                print(f"{case} {exercise}: {was['score']} -> {now['score']}  {changed}")
    print(f"cases only before: {sorted(set(before) - set(after))}; only after: {len(set(after) - set(before))}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.feedback_report")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("table")
    command.add_argument("--json", type=Path)
    commands.add_parser("record").add_argument("out", type=Path)
    command = commands.add_parser("compare")
    command.add_argument("old", type=Path)
    command.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "table":
        table(args.json)
    elif args.command == "record":
        record(args.out)
    else:
        compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
