"""The pytest front door's cost over `seqlab grade`, for one submission: each command as typed, a fresh process.

    .venv/bin/python -m pytest benchmarks/test_front_doors.py --benchmark-json=benchmarks/results/front-doors.json

Both grade the answer key (solutions/, public inputs, 4 exercises, 27 checks) from the repository root:

    seqlab grade                  python -m seqlab grade solutions
    pytest, student plugins       python -m pytest --seqlab solutions, with only the seqlab plugin (a student's
                                  environment: numpy, pytest, seqlab)
    pytest, dev plugins           the same with every plugin of this dev environment autoloaded (hypothesis,
                                  pytest-benchmark, pytest-timeout, anyio...): what a maintainer's venv adds

Each round of a pytest door runs `seqlab grade` right before it (pytest-benchmark's untimed setup), so load drift
hits both alike; its extra_info holds the median of those paired differences (the overhead), in wall-clock
seconds and in CPU seconds of the whole process tree (less sensitive to a busy machine), and the load average
around it: on a shared machine only these differences mean much.

Opt-in, like the class-grading benchmark (its results are not of the RNN/attention families that
benchmarks.report reads): it runs when this file is named on the command line, or with
SEQLAB_BENCH_FRONT_DOORS=1; with --bench-tiny each command runs once.
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ONLY_SEQLAB = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_PLUGINS": "seqlab.pytest_plugin"}
DOORS = {
    "seqlab grade": ([PY, "-m", "seqlab", "grade", "solutions"], {}),
    "pytest, student plugins": ([PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--seqlab", "solutions"],
                                ONLY_SEQLAB),
    "pytest, dev plugins": ([PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--seqlab", "solutions"], {}),
}


@pytest.fixture(scope="module", autouse=True)
def opt_in(pytestconfig):
    named = any("test_front_doors" in str(arg) for arg in pytestconfig.args)
    if not named and os.environ.get("SEQLAB_BENCH_FRONT_DOORS") != "1":
        pytest.skip("the front-door benchmark is opt-in: name benchmarks/test_front_doors.py or set "
                    "SEQLAB_BENCH_FRONT_DOORS=1")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _grade(door: str) -> tuple[float, float]:
    """Runs one door's command; (wall, CPU) seconds."""
    command, env = DOORS[door]
    wall, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    assert done.returncode == 0 and "100 / 100" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    return wall, cpu


@pytest.mark.parametrize("door", list(DOORS))
def test_one_submission(benchmark, bench_run, door):
    tiny = bench_run["mode"] == "tiny"
    benchmark.group = "front doors: one submission"
    load_before, runs, baseline = os.getloadavg()[0], [], []

    def before():  # untimed: seqlab grade, right before each round of a pytest door
        if door != "seqlab grade":
            baseline.append(_grade("seqlab grade"))

    benchmark.pedantic(lambda: runs.append(_grade(door)), setup=before, rounds=1 if tiny else 7, iterations=1,
                       warmup_rounds=0 if tiny else 1)
    runs, baseline = runs[-benchmark.stats.stats.rounds:], baseline[-benchmark.stats.stats.rounds:]
    info = {"family": "front_doors", "door": door, "command": " ".join(DOORS[door][0][1:]),
            "plugins_env": DOORS[door][1], "cpu_seconds_median": round(statistics.median(c for _, c in runs), 3),
            "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    if baseline:
        info["seqlab_grade_wall_median_s"] = round(statistics.median(w for w, _ in baseline), 3)
        info["overhead_wall_s"] = round(statistics.median(r[0] - b[0] for r, b in zip(runs, baseline)), 3)
        info["overhead_cpu_s"] = round(statistics.median(r[1] - b[1] for r, b in zip(runs, baseline)), 3)
    benchmark.extra_info.update(info)
