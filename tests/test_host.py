"""One sandbox per submission, one fork per exercise (seqlab.grading.host, runner.run_submission): each exercise
keeps its own limits and its own clean interpreter, and an exercise whose end a sibling may have caused is graded
again in a sandbox of its own, so that one hostile exercise costs its own points and nothing else."""

import shutil
from pathlib import Path

import pytest

from benchmarks.class_generator import BLOCKING, SPIN, hang_entry
from seqlab.grading import runner
from seqlab.grading.grader import grade
from seqlab.grading.oracle import ReferenceOracle
from seqlab.grading.registry import EXERCISES
from seqlab.grading.sandbox import Limits, active_protections
from seqlab.grading.seeds import PUBLIC

REPO = Path(__file__).resolve().parents[1]
SHORT = Limits(wall_seconds=3.0, cpu_seconds=1)  # the answer key needs a few hundredths of a second per exercise


@pytest.fixture(scope="module")
def oracle():
    return ReferenceOracle(REPO)


class ChildRuns(list):
    """The exercises of every sandboxed child that grading started, in order; `.runs`: what each returned."""
    runs: list


@pytest.fixture
def child_runs(monkeypatch):
    runs = ChildRuns()
    runs.runs = []
    real = runner.run_exercises

    def counted(jobs, limits):
        runs.append(sorted(job.exercise.name for job in jobs))
        runs.runs.append(real(jobs, limits))
        return runs.runs[-1]

    monkeypatch.setattr(runner, "run_exercises", counted)
    return runs


def submission(folder: Path, **replaced: str) -> Path:
    """The answer key, with the named exercises' files replaced by the given text."""
    folder.mkdir(parents=True)
    for name in EXERCISES:
        shutil.copyfile(REPO / "solutions" / f"{name}.py", folder / f"{name}.py")
    for name, text in replaced.items():
        (folder / f"{name}.py").write_text(text)
    return folder


def key(name: str) -> str:
    return (REPO / "solutions" / f"{name}.py").read_text()


def scores(report) -> dict[str, int]:
    return {name: e.score for name, e in report.exercises.items()}


FULL = {name: 25 for name in EXERCISES}


def test_the_answer_key_runs_in_one_child(tmp_path, oracle, child_runs):
    report = grade(submission(tmp_path / "key"), oracle, PUBLIC, SHORT)
    assert scores(report) == FULL
    assert child_runs == [sorted(EXERCISES)]


def test_a_patched_numpy_stays_in_its_exercise(tmp_path, oracle, child_runs):
    """Each fork starts from the host, which never ran student code: attention.py's np.exp and np.tanh, replaced
    at import, are numpy's own again in gru (whose sigmoid and candidate use them) and bidirectional_rnn."""
    patch = "import numpy as np\nnp.exp = lambda x: x\nnp.tanh = lambda x: x\n"
    report = grade(submission(tmp_path / "patched", attention=patch + key("attention")), oracle, PUBLIC, SHORT)
    assert {name: s for name, s in scores(report).items() if name != "attention"} == \
        {name: 25 for name in EXERCISES if name != "attention"}
    assert report.exercises["attention"].score < 25
    assert child_runs == [sorted(EXERCISES)]


def test_cpu_limits_are_per_exercise_and_a_spinner_is_not_graded_again(tmp_path, oracle, child_runs):
    """Two exercises spin: each ends at its own CPU limit (a process's own CPU time, which no sibling can spend),
    and neither runs again; the others keep full marks."""
    if "rlimit_cpu" not in active_protections():
        pytest.skip("RLIMIT_CPU is POSIX only")
    spun = {name: key(name) + SPIN + hang_entry(name) for name in ("gru", "attention")}
    report = grade(submission(tmp_path / "spin", **spun), oracle, PUBLIC, Limits(wall_seconds=20.0, cpu_seconds=1))
    assert scores(report) == {**FULL, "gru": 0, "attention": 0}
    assert {t.error for name in spun for t in report.exercises[name].tests} == {"cpu_limit"}
    assert child_runs == [sorted(EXERCISES)]


KILL_SIBLINGS = '''
import os
import signal

_me, _host = os.getpid(), os.getppid()
for _name in os.listdir("/proc"):
    if _name.isdigit() and int(_name) not in (_me, _host):
        try:
            os.kill(int(_name), signal.SIGKILL)
        except OSError:
            pass
'''

KILL_HOST = '''
import os
import signal

os.kill(os.getppid(), signal.SIGKILL)
'''


@pytest.mark.parametrize("attack", ["kill_siblings", "kill_host"])
def test_an_exercise_that_ends_its_siblings_costs_only_its_own_points(tmp_path, oracle, child_runs, attack):
    """gradient_clipping.py kills every other process it can (sparing the host), or the host: the exercises that
    did not finish are graded again, each in a sandbox of its own, where the attacker harms nobody but itself.
    (Under bubblewrap the host is its pid namespace's init, which the kernel shields from a kill from inside:
    then nothing is lost in the first place.)"""
    if "pid_namespace" not in active_protections() and "unprivileged_uid" not in active_protections():
        pytest.skip("without a pid namespace or a sandbox user the attack would reach this test's processes")
    attack_text = {"kill_siblings": KILL_SIBLINGS, "kill_host": KILL_HOST}[attack]
    # the attack runs at import, then the module is the answer key, save for a function that raises
    hostile = attack_text + key("gradient_clipping") + "\n\ndef clip_grad_norm(*args, **kwargs):\n    raise RuntimeError\n"
    report = grade(submission(tmp_path / attack, gradient_clipping=hostile), oracle, PUBLIC, SHORT)
    assert {name: s for name, s in scores(report).items() if name != "gradient_clipping"} == \
        {name: 25 for name in EXERCISES if name != "gradient_clipping"}
    assert report.exercises["gradient_clipping"].score < 25
    assert child_runs[0] == sorted(EXERCISES)
    assert all(len(run) == 1 for run in child_runs[1:])  # each again alone
    if attack == "kill_siblings" or "pid_namespace" not in active_protections():
        assert len(child_runs) > 1


STOP_SIBLINGS = '''
import os
import signal
import time

_me, _host = os.getpid(), os.getppid()
for _round in range(20):
    for _name in os.listdir("/proc"):
        if _name.isdigit() and int(_name) not in (_me, _host):
            try:
                os.kill(int(_name), signal.SIGSTOP)
            except OSError:
                pass
    time.sleep(0.05)
'''


def test_a_stopped_exercise_is_continued(tmp_path, oracle, child_runs):
    """gradient_clipping (the answer key otherwise) stops every other process it can see, again and again for a
    second: the host continues each at once, and every exercise finishes in the one child."""
    report = grade(submission(tmp_path / "stopper", gradient_clipping=STOP_SIBLINGS + key("gradient_clipping")),
                   oracle, PUBLIC, SHORT)
    assert scores(report) == FULL
    assert child_runs == [sorted(EXERCISES)]
    assert any(run.stopped for run in child_runs.runs[0].values())  # the attack did stop some


def test_an_exercise_that_waits_or_spins_by_itself_is_not_graded_again(tmp_path, oracle, child_runs):
    """gru waits forever, attention spins: they end at their limits (the wall clock, their CPU time) and are not
    run again, since no sibling stopped the one or can spend the other's CPU time."""
    if "rlimit_cpu" not in active_protections():
        pytest.skip("RLIMIT_CPU is POSIX only")
    changed = {"gru": key("gru") + BLOCKING["sleep"] + hang_entry("gru"),
               "attention": key("attention") + SPIN + hang_entry("attention")}
    report = grade(submission(tmp_path / "hung", **changed), oracle, PUBLIC, Limits(wall_seconds=2.0, cpu_seconds=1))
    assert scores(report) == {**FULL, "gru": 0, "attention": 0}
    assert {t.error for t in report.exercises["gru"].tests} == {"timeout"}
    assert {t.error for t in report.exercises["attention"].tests} == {"cpu_limit"}
    assert child_runs == [sorted(EXERCISES)]


def test_without_fork_each_exercise_runs_in_a_child_of_its_own(tmp_path, oracle, child_runs, monkeypatch):
    """Where os.fork is missing (Windows), each exercise gets a child of its own and runs in it: the same grades.
    Simulated here by a child program whose os module has no fork."""
    monkeypatch.setattr(runner, "FORKS", False)
    driver_part, host_part = runner.CHILD_SOURCE.split('"""The child\'s program for one submission', 1)
    monkeypatch.setattr(runner, "CHILD_SOURCE", driver_part + "del os.fork\n\n" + '"""' + "The child's program for "
                        "one submission" + host_part)
    wrong = {"gru": key("gru").replace("(1 - z) * n + z * h_prev", "z * n + (1 - z) * h_prev")}
    assert wrong["gru"] != key("gru")
    report = grade(submission(tmp_path / "nofork", **wrong), oracle, PUBLIC, SHORT)
    assert scores(report) == {**FULL, "gru": 0}
    assert "gru.update_reversed" in report.exercises["gru"].tests[0].mistakes
    assert sorted(child_runs) == [[name] for name in sorted(EXERCISES)]
