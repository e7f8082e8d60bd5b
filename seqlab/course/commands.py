"""The instructor's commands of ``seqlab``: stubs, release, secret, class grading, Gradescope, nbgrader.

``seqlab.cli`` adds them (``add_commands``) wherever this package exists, i.e. never in a student release.
"""

from __future__ import annotations

from pathlib import Path

from seqlab.grading.oracle import REPO_ROOT
from seqlab.grading.registry import EXERCISES


def cmd_stubs(args) -> int:
    from seqlab.course.stubs import generate

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
    from seqlab.course.release import build_release

    path = build_release(Path(args.out), archive=args.archive)
    print(f"student release written to {path}")
    return 0


def cmd_classroom_workflow(args) -> int:
    from seqlab.course.github_classroom import write_workflow

    path = write_workflow(Path(args.repository))
    print(f"GitHub Classroom workflow written to {path}")
    return 0


def cmd_secret(args) -> int:
    from seqlab.grading.seeds import default_secret_file, load_secret

    path = Path(args.secret_file) if args.secret_file else default_secret_file(REPO_ROOT)
    existed = path.exists()
    load_secret(path, create=args.create)
    print(f"grading secret {'found' if existed else 'created'} at {path} (keep it out of every release)")
    return 0


def cmd_class_grade(args) -> int:
    from seqlab.course.classroom import main_grade

    return main_grade(args)


def cmd_class_regrade(args) -> int:
    from seqlab.course.classroom import main_regrade

    return main_regrade(args)


def cmd_class_override(args) -> int:
    from seqlab.course.classroom import main_override

    return main_override(args)


def cmd_class_merge(args) -> int:
    from seqlab.course.shards import main_merge

    return main_merge(args)


def cmd_class_report(args) -> int:
    from seqlab.course.insight import main

    return main(args)


def cmd_gradescope(args) -> int:
    from seqlab.course.gradescope import main_build

    return main_build(args)


def _add_class_commands(sub) -> None:
    """class-grade, class-regrade, class-override, class-merge, class-report, gradescope (docs/class-grading.md)."""
    from seqlab.course.scheduling import MOST_PER_WORKER
    from seqlab.grading.sandbox import Limits

    c = sub.add_parser("class-grade", help="grade a folder of submissions (one folder per student) in parallel")
    c.add_argument("submissions", help="SUBMISSIONS/<student>/*.py, or nbgrader's [submitted/]<student>/<assignment>/*.ipynb")
    c.add_argument("--out", required=True, help="output folder: reports/, graded/, grades.csv, overrides.json")
    c.add_argument("--workers", type=int, default=None,
                   help=f"students graded at once (default: the number of cores); up to {MOST_PER_WORKER} times as many "
                        f"while cores sit idle (children that wait hold none)")
    c.add_argument("--force", action="store_true", help="grade everyone again, even unchanged submissions")
    c.add_argument("--official", action="store_true", help="each student's inputs from the course's secret seed")
    c.add_argument("--secret-file", help="grading secret (default: .seqlab/secret or $SEQLAB_SECRET_FILE)")
    c.add_argument("--timeout", type=float, default=Limits().wall_seconds,
                   help=f"wall-clock seconds per exercise (default {Limits().wall_seconds:g})")
    c.add_argument("--cpu-limit", type=int, default=Limits().cpu_seconds, metavar="SECONDS",
                   help=f"CPU seconds per exercise, a whole number (default {Limits().cpu_seconds}: calibrated on the "
                        f"answer key, docs/class-grading.md)")
    c.add_argument("--student", action="append", help="grade only this student (repeatable)")
    c.add_argument("--shard", metavar="K/N",
                   help="grade only shard K of N (1 <= K <= N), chosen by a hash of the student id; merge the N "
                        "outputs with class-merge")
    c.add_argument("--assignment", default="rnn_to_attention", help="nbgrader assignment folder name")
    c.add_argument("--no-progress", action="store_true", help="no progress bar")
    c.add_argument("--allow-unisolated", action="store_true",
                   help="grade even where the children could reach each other (no bubblewrap and no root with the "
                        "sandbox users); every report records it")
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

    m = sub.add_parser("class-merge", help="merge class-grade outputs (the shards of a class) into one gradebook")
    m.add_argument("outputs", nargs="+", metavar="OUT", help="class-grade output folders, e.g. grades/shard-*")
    m.add_argument("--out", required=True, help="the merged output folder (new or empty)")
    m.set_defaults(func=cmd_class_merge)

    p = sub.add_parser("class-report", help="write OUT/report.md and OUT/report.html: scores, checks, mistakes, time")
    p.add_argument("out", help="a class-grade or class-merge output folder")
    p.set_defaults(func=cmd_class_report)

    z = sub.add_parser("gradescope", help="build a Gradescope autograder archive (setup.sh, run_autograder)")
    z.add_argument("zip", help="the archive to write, e.g. autograder.zip")
    z.add_argument("--secret-file", help="grading secret packed into the archive (default: .seqlab/secret)")
    z.add_argument("--timeout", type=float, default=10.0, help="wall-clock seconds per exercise (default 10)")
    z.add_argument("--require-sandbox", action="store_true",
                   help="grade only with the sandbox's whole boundary (bubblewrap): SEQLAB_SANDBOX=required")
    z.set_defaults(func=cmd_gradescope)


def cmd_notebooks(args) -> int:
    from seqlab.course.nbgrade.build import generate

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
    from seqlab.course.nbgrade.autograde import main

    return main(args)


def cmd_nbgrade_manual(args) -> int:
    from seqlab.course.nbgrade.manual import main

    return main(args)


def _add_nbgrader_commands(sub) -> None:
    """notebooks, nbgrade-autograde, nbgrade-manual (docs/nbgrader.md)."""
    from seqlab.grading.seeds import ASSIGNMENT

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


def add_commands(sub) -> None:
    s = sub.add_parser("stubs", help="regenerate exercises/*.py from solutions/*.py")
    s.add_argument("--check", action="store_true", help="only report stale stubs (exit 1 if any)")
    s.add_argument("--solutions", default=str(REPO_ROOT / "solutions"))
    s.add_argument("--exercises", default=str(REPO_ROOT / "exercises"))
    s.set_defaults(func=cmd_stubs)

    r = sub.add_parser("release", help="build what students receive (no answers)")
    r.add_argument("out", nargs="?", default="release/seqlab-student", help="output folder")
    r.add_argument("--archive", action="store_true", help="also write OUT.tar.gz")
    r.set_defaults(func=cmd_release)

    w = sub.add_parser("classroom-workflow", help="write .github/workflows/classroom.yml (GitHub Classroom autograding)")
    w.add_argument("repository", nargs="?", default=".", help="the student template repository, e.g. a release (default: .)")
    w.set_defaults(func=cmd_classroom_workflow)

    k = sub.add_parser("secret", help="show or create the official-grading secret")
    k.add_argument("--create", action="store_true")
    k.add_argument("--secret-file")
    k.set_defaults(func=cmd_secret)

    _add_class_commands(sub)
    _add_nbgrader_commands(sub)
