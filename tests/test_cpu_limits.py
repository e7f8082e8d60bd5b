"""CPU-time limits (seqlab.grading.sandbox.Limits.cpu_seconds): a child that computes forever ends at its CPU
limit, one that waits runs into the wall-clock limit without using a core, and the answer key stays far from the
limit even while other processes keep every core busy."""

import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.class_generator import BLOCKING, SPIN, hang_entry
from seqlab.grading.grader import grade
from seqlab.grading.oracle import ReferenceOracle
from seqlab.grading.registry import EXERCISES
from seqlab.grading.runner import _stopped_early, run_exercise
from seqlab.grading.sandbox import ChildOutcome, Limits, active_protections
from seqlab.grading.seeds import PUBLIC

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def oracle():
    return ReferenceOracle(REPO)


def need_cpu_limit():
    if "rlimit_cpu" not in active_protections():
        pytest.skip("RLIMIT_CPU is POSIX only")


def key_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in EXERCISES:
        shutil.copyfile(REPO / "solutions" / f"{name}.py", folder / f"{name}.py")
    return folder


def test_a_busy_loop_ends_at_the_cpu_limit_and_a_sleep_at_the_wall_limit(tmp_path, oracle):
    need_cpu_limit()
    folder = key_folder(tmp_path / "sub")
    spin, sleep = "gru", "attention"
    (folder / f"{spin}.py").write_text((folder / f"{spin}.py").read_text() + SPIN + hang_entry(spin))
    (folder / f"{sleep}.py").write_text((folder / f"{sleep}.py").read_text() + BLOCKING["sleep"] + hang_entry(sleep))
    # a wall limit far beyond the CPU limit: on a busy machine the spinner gets a fraction of a core
    report = grade(folder, oracle, PUBLIC, Limits(wall_seconds=20.0, cpu_seconds=1), only=spin)
    spun = report.exercises[spin].tests
    assert {t.error for t in spun} == {"cpu_limit"} and all("1 s of CPU time" in t.detail for t in spun)
    assert report.meta["cpu_seconds_limit"] == 1 and report.meta["wall_seconds_limit"] == 20.0
    # the sleeper runs into the wall limit holding no core: its CPU time, measured, is a small part of it; the
    # spinner beside it, with a CPU limit beyond the wall limit this time, is the negative control
    limits = Limits(wall_seconds=3.0, cpu_seconds=10)

    def run(name):
        return run_exercise(folder / f"{name}.py", EXERCISES[name], oracle.cases(EXERCISES[name], PUBLIC, None), limits)

    with ThreadPoolExecutor(max_workers=2) as pool:
        slept, spun = pool.map(run, [sleep, spin])
    assert {o.error[0] for o in slept.outcomes.values()} == {o.error[0] for o in spun.outcomes.values()} == {"timeout"}
    assert slept.child.cpu_seconds < 0.2 * slept.child.wall_seconds
    assert spun.child.cpu_seconds > 2 * slept.child.cpu_seconds


def test_a_sigkill_is_named_the_cpu_limit_only_when_the_cpu_time_reached_it():
    def killed(cpu):
        return ChildOutcome(128 + signal.SIGKILL, False, "", False, 0.5, (), cpu)

    limits = Limits(cpu_seconds=2)
    assert _stopped_early(killed(1.96), limits)[0] == "cpu_limit"  # wait4 reports a little under the kernel's count
    kind, text = _stopped_early(killed(0.3), limits)  # the OOM killer, say: not the CPU limit
    assert kind == "crash" and "SIGKILL" in text
    assert _stopped_early(killed(None), limits)[0] == "crash"  # not measured: no claim
    exited = ChildOutcome(137 - 128, False, "", False, 0.5, (), 5.0)  # exit code 9, no signal
    assert _stopped_early(exited, limits)[0] == "crash"


def test_the_answer_key_passes_with_the_default_limits_while_both_cores_are_busy(tmp_path, oracle):
    """A correct submission must never reach the CPU limit on a loaded machine: grade the answer key while as
    many busy loops as there are cores compete with it. CPU time, unlike wall time, hardly grows with load."""
    need_cpu_limit()
    folder = key_folder(tmp_path / "key")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    load = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(cores)]
    try:
        report = grade(folder, oracle, PUBLIC, Limits())
    finally:
        for proc in load:
            proc.kill()
            proc.wait()
    failed = {name: [t.detail for t in e.tests if not t.passed] for name, e in report.exercises.items()}
    assert report.total == report.max_total, failed
    assert report.meta["cpu_seconds_limit"] == Limits().cpu_seconds
