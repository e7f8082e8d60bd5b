"""The pytest front door's cost over `seqlab grade`, for one submission: each command as typed, a fresh process.

    .venv/bin/python -m pytest benchmarks/test_front_doors.py --benchmark-json=benchmarks/results/front-doors.json

Both grade the answer key (solutions/, public inputs, 4 exercises, 27 checks) from the repository root:

    seqlab grade                  python -m seqlab grade solutions
    pytest, student plugins       python -m pytest --seqlab solutions, with only the seqlab plugin (a student's
                                  environment: numpy, pytest, seqlab)
    pytest, dev plugins           the same with every plugin of this dev environment autoloaded (hypothesis,
                                  pytest-benchmark, pytest-timeout, anyio...): what a maintainer's venv adds

Each pytest door's extra_info holds its overhead over `seqlab grade` (difference of medians, same session), in
wall-clock seconds and in CPU seconds of the whole process tree (less sensitive to a busy machine), and the load
average around it; on a shared machine only those differences within one run mean much. The module's
three benchmarks run in this order. Opt-in, like the class-grading benchmark (its results are not of the
RNN/attention families that benchmarks.report reads): it runs when this file is named on the command line, or
with SEQLAB_BENCH_FRONT_DOORS=1; with --bench-tiny each command runs once.
"""

import os
import resource
import statistics
import subprocess
import sys
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
MEDIANS: dict[str, tuple[float, float]] = {}  # door -> (wall, CPU) medians


@pytest.fixture(scope="module", autouse=True)
def opt_in(pytestconfig):
    named = any("test_front_doors" in str(arg) for arg in pytestconfig.args)
    if not named and os.environ.get("SEQLAB_BENCH_FRONT_DOORS") != "1":
        pytest.skip("the front-door benchmark is opt-in: name benchmarks/test_front_doors.py or set "
                    "SEQLAB_BENCH_FRONT_DOORS=1")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _grade(command, env, cpu: list[float]) -> None:
    start = _cpu()
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    cpu.append(_cpu() - start)
    assert done.returncode == 0 and "100 / 100" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.mark.parametrize("door", list(DOORS))
def test_one_submission(benchmark, bench_run, door):
    command, env = DOORS[door]
    tiny = bench_run["mode"] == "tiny"
    benchmark.group = "front doors: one submission"
    load_before, cpu = os.getloadavg()[0], []
    benchmark.pedantic(_grade, args=(command, env, cpu), rounds=1 if tiny else 7, iterations=1,
                       warmup_rounds=0 if tiny else 1)
    cpu = cpu[-benchmark.stats.stats.rounds:]  # the warm-up round is not in the stats
    MEDIANS[door] = (benchmark.stats.stats.median, statistics.median(cpu))
    info = {"family": "front_doors", "door": door, "command": " ".join(command[1:]), "plugins_env": env,
            "cpu_seconds_median": round(MEDIANS[door][1], 3),
            "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    if door != "seqlab grade" and "seqlab grade" in MEDIANS:
        base = MEDIANS["seqlab grade"]
        info["overhead_over_seqlab_grade_s"] = round(MEDIANS[door][0] - base[0], 3)
        info["cpu_overhead_over_seqlab_grade_s"] = round(MEDIANS[door][1] - base[1], 3)
    benchmark.extra_info.update(info)
