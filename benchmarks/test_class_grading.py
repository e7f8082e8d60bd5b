"""Class grading, timed: the CPU-time limit's calibration, one correct submission, one that spins in every
exercise, a generated class of 200 (benchmarks/class_generator.py) and, for comparison, nbgrader's autograde of
the same 200 as notebooks (this course's nbgrader configuration).

Opt-in, because it takes minutes and its results are not of the RNN/attention families that benchmarks.report
reads: it runs when this file is named on the command line, or with SEQLAB_BENCH_CLASS=1:

    .venv/bin/python -m pytest benchmarks/test_class_grading.py --benchmark-json=benchmarks/results/class-grading.json

Each step is the command an instructor types (a fresh process, official inputs), timed once (pedantic, one
round; single submissions: three rounds). --bench-tiny grades 20 students; --bench-tiny and --bench-quick skip
nbgrader unless SEQLAB_BENCH_NBGRADER=1. Every result's extra_info holds the machine's cores, the active sandbox
protections, the load average before and after (timings on a busy machine say little: compare them only with
a 1-minute load average below 0.5 before the run) and what the class was made of; the CSV and nbgrader's
gradebook are checked to agree student by student. With SEQLAB_BENCH_CLASS_REPORT=FOLDER, the class report of
the generated class (`seqlab class-report`: report.md and figures/) is copied to FOLDER.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from benchmarks.class_generator import SPIN, class_as_notebooks, generate_class, hang_entry

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "rnn_to_attention"
STUDENTS = {"full": 200, "quick": 200, "tiny": 20}


def _selected(config) -> bool:
    return os.environ.get("SEQLAB_BENCH_CLASS") == "1" or any("test_class_grading" in str(a) for a in config.args)


@pytest.fixture(scope="module", autouse=True)
def opt_in(pytestconfig):
    if not _selected(pytestconfig):
        pytest.skip("class-grading benchmarks are opt-in: name benchmarks/test_class_grading.py or set SEQLAB_BENCH_CLASS=1")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@pytest.fixture(scope="module")
def course(bench_run):
    from seqlab.grading.sandbox import active_protections

    # Not pytest's tmp_path: a concurrent pytest session may rotate its base folder away during a long run.
    root = Path(tempfile.mkdtemp(prefix="seqlab-class-bench-"))
    secret = root / "secret"
    secret.write_text("b" * 64)
    n = STUDENTS[bench_run["mode"]]
    kinds = generate_class(root / "submissions", n, out=root / "generated-class", active_protections=active_protections())
    env = dict(os.environ, SEQLAB_SECRET_FILE=str(secret))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an instructor's copy has its bytecode caches, as installs do
    yield {"root": root, "secret": secret, "kinds": kinds, "n": n, "env": env, "mode": bench_run["mode"],
           "protections": list(active_protections())}
    if os.environ.get("SEQLAB_BENCH_KEEP") != "1":
        shutil.rmtree(root, ignore_errors=True)


def _seqlab(course, *args) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "seqlab", *map(str, args)], cwd=ROOT, env=course["env"],
                          capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: some student could not be graded
    return done


def _info(benchmark, course, **more) -> None:
    benchmark.extra_info.update({"family": "class_grading", "cores": _cores(), "protections": course["protections"],
                                 "python": sys.version.split()[0], **more})


class Usage:
    """CPU seconds of the timed commands and everything they started (RUSAGE_CHILDREN), and the machine's load
    average around them: on a shared machine the wall time depends on what else runs."""

    def __enter__(self):
        self.cpu, self.load = self._cpu(), os.getloadavg()[0]
        return self

    def __exit__(self, *exc):
        self.cpu, self.load = self._cpu() - self.cpu, (self.load, os.getloadavg()[0])

    @staticmethod
    def _cpu() -> float:
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def info(self) -> dict:
        return {"cpu_seconds": round(self.cpu, 1), "load_average_before_after": [round(x, 2) for x in self.load]}


def _busy_loops(n: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def _stop(processes: list[subprocess.Popen]) -> None:
    for proc in processes:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("machine", ["as_it_is", "cores_busy"])
def test_cpu_limit_calibration(benchmark, course, machine):
    """The answer key's CPU time per exercise, each exercise's child on its own (interpreter, numpy and the
    checks, as RLIMIT_CPU counts it), 10 rounds; `cores_busy`: while a busy loop runs on every core. The CPU
    limit (sandbox.Limits.cpu_seconds) is set from the largest, with a wide margin (docs/class-grading.md)."""
    from seqlab.grading.oracle import ReferenceOracle
    from seqlab.grading.registry import EXERCISES
    from seqlab.grading.runner import run_exercise
    from seqlab.grading.sandbox import Limits
    from seqlab.grading.seeds import official

    oracle, limits = ReferenceOracle(ROOT), Limits()
    source = official(course["secret"].read_text().encode(), "calibration")
    cases = {name: oracle.cases(e, source, None) for name, e in EXERCISES.items()}
    cpu: dict[str, list[float]] = {name: [] for name in EXERCISES}

    def key_once():
        for name, exercise in EXERCISES.items():
            run = run_exercise(ROOT / "solutions" / f"{name}.py", exercise, cases[name], limits)
            assert run.child.returncode == 0 and run.child.cpu_seconds is not None, run.child.output
            cpu[name].append(run.child.cpu_seconds)

    load = _busy_loops(_cores()) if machine == "cores_busy" else []
    try:
        with Usage() as usage:
            benchmark.pedantic(key_once, rounds=10, iterations=1, warmup_rounds=1)
    finally:
        _stop(load)
    worst = max(max(v) for v in cpu.values())
    _info(benchmark, course, machine=machine, cpu_seconds_limit=limits.cpu_seconds,
          child_cpu_seconds={name: {"median": round(sorted(v)[len(v) // 2], 3), "max": round(max(v), 3)}
                             for name, v in cpu.items()},
          limit_over_worst=round(limits.cpu_seconds / worst, 1), **usage.info())


def test_class_grade_one_submission(benchmark, course):
    """`seqlab class-grade` of one correct submission, from a fresh process: what an instructor waits for."""
    one = course["root"] / "one"
    student = next(s for s, kind in course["kinds"].items() if kind == "correct")
    shutil.copytree(course["root"] / "submissions" / student, one / student)
    out = course["root"] / "one_out"
    with Usage() as usage:
        benchmark.pedantic(lambda: _seqlab(course, "class-grade", one, "--out", out, "--force", "--official",
                                           "--no-progress"), rounds=3, iterations=1, warmup_rounds=1)
    report = json.loads((out / "reports" / f"{student}.json").read_text())
    assert report["total"] == 100
    _info(benchmark, course, students=1, limit_seconds=3.0, **usage.info())


def test_class_grade_submission_spinning_everywhere(benchmark, course):
    """`seqlab class-grade` of one submission whose four exercises each spin forever: each child ends at its CPU
    limit, not at the wall limit; four of them share the cores."""
    from seqlab.grading.registry import EXERCISES

    folder = course["root"] / "spinning" / "spinner"
    folder.mkdir(parents=True)
    for name in EXERCISES:
        (folder / f"{name}.py").write_text((ROOT / "solutions" / f"{name}.py").read_text() + SPIN + hang_entry(name))
    out = course["root"] / "spinning_out"
    with Usage() as usage:
        benchmark.pedantic(lambda: _seqlab(course, "class-grade", folder.parent, "--out", out, "--force", "--official",
                                           "--no-progress"), rounds=3, iterations=1, warmup_rounds=1)
    report = json.loads((out / "reports" / "spinner.json").read_text())
    kinds = {t["error"] for e in report["exercises"].values() for t in e["tests"]}
    assert report["total"] == 0 and kinds == {"cpu_limit"}, kinds
    _info(benchmark, course, students=1, limit_seconds=3.0, cpu_seconds_limit=report["meta"]["cpu_seconds_limit"],
          wall_seconds_limit=report["meta"]["wall_seconds_limit"], **usage.info())


def _limits_hit(out: Path) -> dict[str, dict[str, list[str]]]:
    """{error kind: {student: exercises}} for the time limits (timeout: the wall clock, cpu_limit: CPU time)."""
    found = {"timeout": {}, "cpu_limit": {}}
    for path in sorted((out / "reports").glob("*.json")):
        report = json.loads(path.read_text())
        for kind, students in found.items():
            hit = [name for name, e in report["exercises"].items() if any(t.get("error") == kind for t in e["tests"])]
            if hit:
                students[path.stem] = hit
    return found


@pytest.mark.timeout(1800)  # pyproject's 300 s (pytest-timeout) is for tests, not this
@pytest.mark.parametrize("workers", ["default", "two_per_core"])
def test_class_grade_generated_class(benchmark, course, workers):
    """`seqlab class-grade` of the whole generated class: with the default workers (one per core, more while some
    wait: seqlab.course.scheduling), and with two per core for comparison."""
    out = course["root"] / ("generated-class" if workers == "default" else f"generated-class-{workers}")
    option = [] if workers == "default" else ["--workers", 2 * _cores()]
    start = time.perf_counter()
    with Usage() as usage:
        done = benchmark.pedantic(lambda: _seqlab(course, "class-grade", course["root"] / "submissions", "--out",
                                                  out, "--force", "--official", "--no-progress", *option),
                                  rounds=1, iterations=1)
    elapsed = time.perf_counter() - start
    with open(out / "grades.csv", newline="") as handle:
        table = {row["student"]: row for row in csv.DictReader(handle)}
    assert len(table) == course["n"]
    kinds = course["kinds"]
    assert all(table[s]["total"] == "100" for s, kind in kinds.items() if kind == "correct")
    assert all(float(table[s]["total"]) < 100 for s, kind in kinds.items() if kind != "correct")
    hit = _limits_hit(out)
    assert len(hit["timeout"]) + len(hit["cpu_limit"]) >= course["n"] // 10, hit
    mix = {}
    for kind in kinds.values():
        mix[kind.split(":")[0]] = mix.get(kind.split(":")[0], 0) + 1
    run = json.loads((out / "class.json").read_text())["last_run"]
    report_seconds = None
    if workers == "default":  # the class report of the same class (not part of the time above)
        start = time.perf_counter()
        _seqlab(course, "class-report", out)
        report_seconds = round(time.perf_counter() - start, 1)
        keep = os.environ.get("SEQLAB_BENCH_CLASS_REPORT")
        if keep:
            shutil.rmtree(keep, ignore_errors=True)
            Path(keep).mkdir(parents=True)
            shutil.copy(out / "report.md", keep)  # and its figures (report.html embeds the same ones)
            shutil.copytree(out / "figures", Path(keep) / "figures")
    _info(benchmark, course, students=course["n"], limit_seconds=120.0, elapsed=round(elapsed, 1), mix=mix,
          workers=run["workers"], most_in_flight=run["most_in_flight"], extra_started=run["extra_started"],
          hit_wall_clock_limit=len(hit["timeout"]), hit_cpu_limit=len(hit["cpu_limit"]),
          class_report_seconds=report_seconds, summary=done.stdout.splitlines()[0], **usage.info())


def _nbgrader_course(course) -> Path:
    """A scratch nbgrader course (this repository's nbgrader_config.py) with the class as submitted notebooks."""
    top = course["root"] / "nbgrader"
    top.mkdir()
    shutil.copyfile(ROOT / "nbgrader_config.py", top / "nbgrader_config.py")
    source = top / "solutions" / ASSIGNMENT
    source.mkdir(parents=True)
    shutil.copyfile(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", source / f"{ASSIGNMENT}.ipynb")
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"], cwd=top,
                   env=course["nbenv"], check=True, capture_output=True)
    class_as_notebooks(course["root"] / "submissions", top / "submitted", ASSIGNMENT,
                       release=top / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return top


@pytest.mark.timeout(3600)
def test_nbgrader_autograde_same_class(benchmark, course):
    """`nbgrader autograde` of the same class as notebooks: serial, one notebook after the other."""
    if course["mode"] != "full" and os.environ.get("SEQLAB_BENCH_NBGRADER") != "1":
        pytest.skip(f"nbgrader's autograde of the class runs in the full mode (or with SEQLAB_BENCH_NBGRADER=1); "
                    f"this is {course['mode']}")
    pytest.importorskip("nbgrader")
    pytest.importorskip("seqlab.course.nbgrade.preprocessors")
    if not (ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file():
        pytest.skip("the instructor notebook (solutions/rnn_to_attention/) has not been generated")
    bin_dir = os.path.dirname(sys.executable)
    course["nbenv"] = dict(course["env"], PYTHONPATH=str(ROOT), PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    top = _nbgrader_course(course)
    start = time.perf_counter()
    with Usage() as usage:
        done = benchmark.pedantic(lambda: subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT],
                                                         cwd=top, env=course["nbenv"], capture_output=True, text=True),
                                  rounds=1, iterations=1)
    elapsed = time.perf_counter() - start
    (top / "autograde.log").write_text(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{top / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(ASSIGNMENT, s).score for s in course["kinds"]}
    agree = None
    csv_path = course["root"] / "generated-class" / "grades.csv"
    if csv_path.is_file():  # the class-grade run of the same class, official inputs both
        with open(csv_path, newline="") as handle:
            seqlab_totals = {row["student"]: float(row["total"]) for row in csv.DictReader(handle)}
        differ = {s: (scores[s], seqlab_totals.get(s)) for s in scores if scores[s] != seqlab_totals.get(s)}
        agree = len(scores) - len(differ)
        assert not differ, f"nbgrader and class-grade disagree on {len(differ)} students: {dict(list(differ.items())[:5])}"
    _info(benchmark, course, students=course["n"], elapsed=round(elapsed, 1), agree_with_class_grade=agree,
          **usage.info())
