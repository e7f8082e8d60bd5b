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


def cmd_class_grade(args) -> int:
    from seqlab.classroom import main_grade

    return main_grade(args)


def cmd_class_regrade(args) -> int:
    from seqlab.classroom import main_regrade

    return main_regrade(args)


def cmd_class_override(args) -> int:
    from seqlab.classroom import main_override

    return main_override(args)


def cmd_gradescope(args) -> int:
    from seqlab.gradescope import main_build

    return main_build(args)


def _add_class_commands(sub) -> None:
    """class-grade, class-regrade, class-override, gradescope (docs/class-grading.md)."""
    c = sub.add_parser("class-grade", help="grade a folder of submissions (one folder per student) in parallel")
    c.add_argument("submissions", help="SUBMISSIONS/<student>/*.py, or nbgrader's [submitted/]<student>/<assignment>/*.ipynb")
    c.add_argument("--out", required=True, help="output folder: reports/, graded/, grades.csv, overrides.json")
    c.add_argument("--workers", type=int, default=None, help="students graded at once (default: the number of cores)")
    c.add_argument("--force", action="store_true", help="grade everyone again, even unchanged submissions")
    c.add_argument("--official", action="store_true", help="each student's inputs from the course's secret seed")
    c.add_argument("--secret-file", help="grading secret (default: .seqlab/secret or $SEQLAB_SECRET_FILE)")
    c.add_argument("--timeout", type=float, default=10.0, help="wall-clock seconds per exercise (default 10)")
    c.add_argument("--student", action="append", help="grade only this student (repeatable)")
    c.add_argument("--assignment", default="rnn_to_attention", help="nbgrader assignment folder name")
    c.add_argument("--no-progress", action="store_true", help="no progress bar")
    c.set_defaults(func=cmd_class_grade)

    r = sub.add_parser("class-regrade", help="grade one student of a class again (overrides are kept)")
    r.add_argument("out")
    r.add_argument("student")
    r.add_argument("--secret-file")
    r.add_argument("--no-progress", action="store_true")
    r.set_defaults(func=cmd_class_regrade)

    o = sub.add_parser("class-override", help="set a student's score for one exercise by hand (survives regrading)")
    o.add_argument("out")
    o.add_argument("student")
    o.add_argument("exercise", help=f"one of: {', '.join(EXERCISES)}")
    o.add_argument("score", type=float, nargs="?")
    o.add_argument("--reason", help="why (shown in the student's report)")
    o.add_argument("--clear", action="store_true", help="remove the override")
    o.set_defaults(func=cmd_class_override)

    z = sub.add_parser("gradescope", help="build a Gradescope autograder archive (setup.sh, run_autograder)")
    z.add_argument("zip", help="the archive to write, e.g. autograder.zip")
    z.add_argument("--secret-file", help="grading secret packed into the archive (default: .seqlab/secret)")
    z.add_argument("--timeout", type=float, default=10.0, help="wall-clock seconds per exercise (default 10)")
    z.set_defaults(func=cmd_gradescope)


def cmd_notebooks(args) -> int:
    from seqlab.notebooks import generate

    stale = generate(Path(args.root), check_only=args.check)
    if args.check:
        if stale:
            print(f"out of date: {', '.join(stale)} (run `python -m seqlab notebooks`)")
            return 1
        print("the assignment's notebooks are up to date")
        return 0
    print(f"regenerated: {', '.join(stale)}" if stale else "the assignment's notebooks were already up to date")
    return 0


def cmd_nbgrade_autograde(args) -> int:
    from seqlab.nbautograde import main

    return main(args)


def cmd_nbgrade_manual(args) -> int:
    from seqlab.nbmanual import main

    return main(args)


def _add_nbgrader_commands(sub) -> None:
    """notebooks, nbgrade-autograde, nbgrade-manual (docs/nbgrader.md)."""
    from seqlab.seeds import ASSIGNMENT

    n = sub.add_parser("notebooks", help="regenerate the nbgrader notebooks (solutions/ and exercises/<assignment>/)")
    n.add_argument("--check", action="store_true", help="only report stale notebooks (exit 1 if any)")
    n.add_argument("--root", default=str(REPO_ROOT), help="course root (default: this repository)")
    n.set_defaults(func=cmd_notebooks)

    a = sub.add_parser("nbgrade-autograde", help="nbgrader autograde of every submission, graded by seqlab (no execution)")
    a.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    a.add_argument("--student", action="append", help="only this student (repeatable)")
    a.add_argument("--course", default=".", help="course root, where nbgrader_config.py is (default: .)")
    a.add_argument("--timeout", type=float, help="wall-clock seconds per exercise (default: nbgrader_config.py)")
    a.add_argument("--secret-file", help="grading secret (default: .seqlab/secret or $SEQLAB_SECRET_FILE)")
    a.set_defaults(func=cmd_nbgrade_autograde)

    m = sub.add_parser("nbgrade-manual", help="list free-response answers to grade, or give one its score")
    m.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    m.add_argument("--course", default=".", help="course root, where nbgrader_config.py is (default: .)")
    m.add_argument("--student", help="with --cell and --score: whose answer")
    m.add_argument("--cell", help="the answer's grade_id, e.g. gru-answer")
    m.add_argument("--score", type=float, help="points given")
    m.add_argument("--comment", help="comment shown in the feedback")
    m.add_argument("--all", action="store_true", help="list graded answers too, not only those awaiting a score")
    m.set_defaults(func=cmd_nbgrade_manual)


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

    _add_class_commands(sub)
    _add_nbgrader_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
