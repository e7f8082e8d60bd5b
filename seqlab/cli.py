"""The ``seqlab`` command (also ``python -m seqlab``): a thin front door onto ``seqlab.grading``.

``seqlab grade`` is everybody's. The instructor's commands (stubs, release, class grading, Gradescope, nbgrader)
come from ``seqlab.course`` and exist only where it does: a student release ships without it.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from seqlab.grading.registry import EXERCISES, file_names
from seqlab.grading.registry import get as get_exercise


def cmd_grade(args) -> int:
    from seqlab.grading.grader import grade
    from seqlab.grading.oracle import REPO_ROOT, default_oracle
    from seqlab.grading.sandbox import Limits, SandboxUnavailable, require_private_workdirs
    from seqlab.grading.seeds import PUBLIC, default_secret_file, load_secret, official

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"seqlab grade: {folder} is not a folder (give the folder that holds {', '.join(file_names())})",
              file=sys.stderr)
        return 2
    if args.check and not args.only:
        print("seqlab grade: --check needs --only EXERCISE", file=sys.stderr)
        return 2
    if args.only:
        try:
            exercise = get_exercise(args.only)
            if args.check:
                exercise.check(args.check)
        except KeyError as exc:
            print(f"seqlab grade: {exc.args[0]}", file=sys.stderr)
            return 2
    try:
        oracle = default_oracle(args.official)
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None
    allow_unisolated = False
    if args.official:
        if not args.student:
            print("seqlab grade: --official needs --student ID", file=sys.stderr)
            return 2
        try:
            allow_unisolated = require_private_workdirs(args.allow_unisolated)
        except SandboxUnavailable as exc:
            print(f"seqlab grade: {exc}", file=sys.stderr)
            return 2
        secret_file = Path(args.secret_file) if args.secret_file else default_secret_file(REPO_ROOT)
        try:
            source = official(load_secret(secret_file), args.student)
        except (OSError, ValueError) as exc:
            print(f"seqlab grade: {exc}", file=sys.stderr)
            return 2
    else:
        source = PUBLIC
    report = grade(folder, oracle, source, Limits(wall_seconds=args.timeout), args.only, args.check)
    if allow_unisolated:
        report.meta["allow_unisolated"] = True
    print(report.render())
    if args.json:
        report.write_json(Path(args.json))
        print(f"report written to {args.json}")
    return 0


def _add_grade_command(sub) -> None:
    g = sub.add_parser("grade", help="grade a folder laid out like exercises/")
    g.add_argument("folder", nargs="?", default="exercises", help="folder holding the exercise modules (default: exercises)")
    g.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    g.add_argument("--only", metavar="EXERCISE", help=f"grade one exercise: {', '.join(EXERCISES)}")
    g.add_argument("--check", metavar="NAME", help="with --only: run one check")
    g.add_argument("--timeout", type=float, default=10.0, help="wall-clock seconds per exercise (default 10)")
    g.add_argument("--official", action="store_true", help="inputs from the course's secret seed (instructors)")
    g.add_argument("--student", help="student id for --official")
    g.add_argument("--secret-file", help="grading secret (default: .seqlab/secret or $SEQLAB_SECRET_FILE)")
    g.add_argument("--allow-unisolated", action="store_true",
                   help="with --official: grade even where the children could reach each other (recorded in the report)")
    g.set_defaults(func=cmd_grade)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seqlab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    _add_grade_command(sub)
    if importlib.util.find_spec("seqlab.course") is not None:  # the instructor's copy
        from seqlab.course.commands import add_commands

        add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
