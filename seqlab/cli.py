"""The ``seqlab`` command (also ``python -m seqlab``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seqlab.exercises import EXERCISES
from seqlab.exercises import get as get_exercise
from seqlab.oracle import REPO_ROOT

DATA_FOLDER = Path(__file__).resolve().parent / "public_data"


def _oracle_for(official: bool):
    """The reference when this is the instructor's repository, else the release's public data."""
    from seqlab.oracle import DataOracle, ReferenceOracle, reference_available

    if reference_available():
        return ReferenceOracle()
    if official:
        raise SystemExit("official grading needs the instructor's repository (reference/ is not here)")
    if not (DATA_FOLDER / "manifest.json").is_file():
        raise SystemExit(f"neither reference/ nor the public data ({DATA_FOLDER}) is present: "
                         f"this copy of seqlab cannot grade")
    return DataOracle(DATA_FOLDER)


def cmd_grade(args) -> int:
    from seqlab.grader import grade
    from seqlab.sandbox import Limits
    from seqlab.seeds import PUBLIC, default_secret_file, load_secret, official

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"seqlab grade: {folder} is not a folder (give the folder that holds "
              f"{', '.join(e.file_name for e in EXERCISES.values())})", file=sys.stderr)
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
    oracle = _oracle_for(args.official)
    if args.official:
        if not args.student:
            print("seqlab grade: --official needs --student ID", file=sys.stderr)
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
    print(report.render())
    if args.json:
        report.write_json(Path(args.json))
        print(f"report written to {args.json}")
    return 0


def cmd_stubs(args) -> int:
    from seqlab.stubs import generate

    stale = generate(Path(args.solutions), Path(args.exercises), check_only=args.check)
    if args.check:
        if stale:
            print(f"out of date: {', '.join(stale)} (run `python -m seqlab stubs`)")
            return 1
        print("exercises/ is up to date")
        return 0
    print(f"regenerated: {', '.join(stale)}" if stale else "exercises/ was already up to date")
    return 0


def cmd_release(args) -> int:
    from seqlab.release import build_release

    path = build_release(Path(args.out), archive=args.archive)
    print(f"student release written to {path}")
    return 0


def cmd_secret(args) -> int:
    from seqlab.seeds import default_secret_file, load_secret

    path = Path(args.secret_file) if args.secret_file else default_secret_file(REPO_ROOT)
    existed = path.exists()
    load_secret(path, create=args.create)
    print(f"grading secret {'found' if existed else 'created'} at {path} (keep it out of every release)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seqlab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade a folder laid out like exercises/")
    g.add_argument("folder", nargs="?", default="exercises", help="folder holding the four modules (default: exercises)")
    g.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    g.add_argument("--only", metavar="EXERCISE", help=f"grade one exercise: {', '.join(EXERCISES)}")
    g.add_argument("--check", metavar="NAME", help="with --only: run one check")
    g.add_argument("--timeout", type=float, default=10.0, help="wall-clock seconds per exercise (default 10)")
    g.add_argument("--official", action="store_true", help="inputs from the course's secret seed (instructors)")
    g.add_argument("--student", help="student id for --official")
    g.add_argument("--secret-file", help="grading secret (default: .seqlab/secret or $SEQLAB_SECRET_FILE)")
    g.set_defaults(func=cmd_grade)

    s = sub.add_parser("stubs", help="regenerate exercises/*.py from solutions/*.py")
    s.add_argument("--check", action="store_true", help="only report stale stubs (exit 1 if any)")
    s.add_argument("--solutions", default=str(REPO_ROOT / "solutions"))
    s.add_argument("--exercises", default=str(REPO_ROOT / "exercises"))
    s.set_defaults(func=cmd_stubs)

    r = sub.add_parser("release", help="build what students receive (no answers)")
    r.add_argument("out", nargs="?", default="release/seqlab-student", help="output folder")
    r.add_argument("--archive", action="store_true", help="also write OUT.tar.gz")
    r.set_defaults(func=cmd_release)

    k = sub.add_parser("secret", help="show or create the official-grading secret")
    k.add_argument("--create", action="store_true")
    k.add_argument("--secret-file")
    k.set_defaults(func=cmd_secret)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
