"""The hostile corpus of class grading (tests/corpus/hostile_class/): each case fools a naive grader, and scores
exactly 0 in its exercise under `seqlab class-grade`, while the student's other three exercises (the answer key)
keep their 25 points each, the run ends within its time bound and nothing of the case's processes is left.

A case that relies on a protection this machine lacks fails under CI=true or SEQLAB_SANDBOX=required; elsewhere
it is skipped, naming the protection (it is never run unprotected: some of these kill every python they see).
"""

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from seqlab.course import classroom
from seqlab.grading.registry import EXERCISES
from seqlab.grading.sandbox import active_protections
from tests.corpus import load, materialize, missing_needs, new_token

REPO = Path(__file__).resolve().parents[1]
LINUX = sys.platform.startswith("linux")
STRICT = os.environ.get("SEQLAB_SANDBOX", "").lower() == "required" or os.environ.get("CI", "").lower() in ("true", "1")
CASES = load("hostile_class", needs=[], timeout=False, contain=False, naive_mode="inprocess")
WALL_SECONDS = 6.0  # per exercise; the answer key needs well under 1 s of it
NAIVE_SECONDS = 4.0  # the naive grader's own SIGALRM limit is 3 s

pytestmark = pytest.mark.skipif(not LINUX, reason="the corpus attacks /proc, signals and ctypes (Linux)")


def test_corpus_is_big_enough():
    per_exercise = {name: sum(c["exercise"] == name for c in CASES.values()) for name in EXERCISES}
    assert len(CASES) >= 20 and min(per_exercise.values()) >= 4, per_exercise
    for case in CASES.values():
        assert case["exercise"] in EXERCISES
        assert (REPO / "tests/corpus/hostile_class" / case["name"]).is_dir(), case["name"]


def placeholders(out: Path, student: str, token: str) -> dict[str, str]:
    """What the corpus's {{...}} placeholders stand for (see its cases.toml)."""
    return {"REPO": str(REPO), "OUT": str(out), "STUDENT": student, "TOKEN": token}


def _require(case) -> None:
    missing = missing_needs(case, active_protections())
    if missing:
        reason = f"{case['name']} needs {', '.join(missing)}, which this machine lacks"
        if STRICT:
            pytest.fail(reason + " (CI / SEQLAB_SANDBOX=required: run .ci/install-sandbox.sh as root)")
        pytest.skip(reason)


def _processes_named(names: set[str]) -> dict[int, str]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                comm = Path(f"/proc/{entry}/comm").read_text().strip()
            except OSError:
                continue
            if comm in names:
                found[int(entry)] = comm
    return found


# ---------------------------------------------------------------------------------------------------
# Under seqlab: one class-grading run over every case the machine can run safely
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile_class")
    submissions, out = root / "submissions", root / "out"
    runnable = [c for c in CASES.values() if not missing_needs(c, active_protections())]
    tokens = {case["name"]: new_token() for case in runnable}
    for case in runnable:
        materialize(case, submissions / case["name"], **placeholders(out, case["name"], tokens[case["name"]]))
    start = time.monotonic()
    result = classroom.grade_class(submissions, out, workers=2, wall_seconds=WALL_SECONDS, progress=False)
    elapsed = time.monotonic() - start
    left = _processes_named(set(tokens.values()))
    time.sleep(1.5)  # what a daemon would do after the grader finished, it has done by now
    reports = {name: json.loads((out / "reports" / f"{name}.json").read_text()) for name in tokens}
    return {"result": result, "elapsed": elapsed, "left": left, "tokens": tokens, "reports": reports, "out": out,
            "left_later": _processes_named(set(tokens.values()))}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_scores_zero_and_others_keep_their_marks(name, graded_class):
    case = CASES[name]
    _require(case)
    report = graded_class["reports"][name]
    scores = {exercise: entry["score"] for exercise, entry in report["exercises"].items()}
    expected = {name: 0 if name == case["exercise"] else e.max_score for name, e in EXERCISES.items()}
    assert scores == expected, report["exercises"][case["exercise"]]["tests"][0]["message"]
    assert report["total"] == 75 and report["meta"]["student"] == name
    graded = json.loads((graded_class["out"] / "graded" / f"{name}.json").read_text())
    assert graded["total"] == 75 and graded["meta"]["cache_key"], "the graded report was replaced"
    for exercise in report["exercises"].values():  # each exercise within its wall-clock limit (plus the kill)
        assert exercise["seconds"] < WALL_SECONDS + 5
    if case["timeout"]:
        assert "timed out" in report["exercises"][case["exercise"]]["tests"][0]["message"]
    token = graded_class["tokens"][name]
    assert token not in graded_class["left"].values(), "a process of this case outlived its grading"
    assert token not in graded_class["left_later"].values()


def test_hostile_class_run_is_bounded_and_harmless(graded_class):
    result = graded_class["result"]
    assert not result.failed
    assert sorted(result.graded) == sorted(graded_class["tokens"])
    # 25 students, 100 children, 8 at a time on 2 cores; two cases use up their whole wall-clock limit.
    assert graded_class["elapsed"] < 120, graded_class["elapsed"]
    out = graded_class["out"]  # nothing a hostile case wrote there survived: only class grading's own files
    assert {p.name for p in out.iterdir()} <= {"reports", "graded", "grades.csv", "class.json", ".lock", ".running"}
    names = {f"{name}.json" for name in graded_class["tokens"]}
    assert {p.name for p in (out / "reports").iterdir()} == names == {p.name for p in (out / "graded").iterdir()}
    rows = (graded_class["out"] / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(graded_class["tokens"])
    assert all(row.split(",")[5] == "75" for row in rows[1:]), rows


# ---------------------------------------------------------------------------------------------------
# The naive grader: what each case does when a grader imports the student's module in its own process
# ---------------------------------------------------------------------------------------------------

NAIVE_GRADER = '''
"""A naive in-process grader: imports the student's module and compares with the answer key, as a quick
course script would (time limit by SIGALRM, `except Exception` around the student's call)."""
import importlib, json, os, signal, sys
import numpy as np

EXERCISE, REPO = sys.argv[1], sys.argv[2]
TOL = 1e-6
KEY_PATH = os.path.join(REPO, "solutions", EXERCISE + ".py")
KEY_SOURCE = open(KEY_PATH).read()
key = type(sys)("key")
exec(compile(KEY_SOURCE, KEY_PATH, "exec"), key.__dict__)


def differs(got, expected):
    return np.any(np.abs(got - expected) > TOL)


def gradient_clipping(student, rng):
    grads = {"W": 2 * rng.standard_normal((5, 3)), "b": 2 * rng.standard_normal((5, 1))}
    expected_grads = {name: g.copy() for name, g in grads.items()}
    expected_total = key.clip_grad_norm(expected_grads, 1.0)
    total = student.clip_grad_norm(grads, 1.0)
    return [(total, expected_total)] + [(grads[name], expected_grads[name]) for name in grads]


def bidirectional_rnn(student, rng):
    ref = key.BidirectionalRNN(3, 4, 2, rng=np.random.default_rng(1))
    model = student.BidirectionalRNN(3, 4, 2, rng=np.random.default_rng(1))
    for name in ("Wxh_f", "Whh_f", "bh_f", "Wxh_b", "Whh_b", "bh_b", "Why", "by"):
        setattr(model, name, getattr(ref, name).copy())
    inputs = [rng.standard_normal((3, 2)) for _ in range(5)]
    expected = dict(zip(("outputs", "hiddens"), ref.forward(inputs)))
    outputs, hiddens = model.forward([x.copy() for x in inputs])
    return list(zip(outputs, expected["outputs"])) + list(zip(hiddens, expected["hiddens"]))


def gru(student, rng):
    ref = key.GRUCell(4, 3, rng=np.random.default_rng(1))
    cell = student.GRUCell(4, 3, rng=np.random.default_rng(1))
    for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
        setattr(cell, name, getattr(ref, name).copy())
    x, h = rng.standard_normal((4, 5)), rng.standard_normal((3, 5))
    h_ref, gates_ref = ref.forward(x, h)
    expected = {"h": h_ref, "gates": gates_ref}
    h_got, gates_got = cell.forward(x.copy(), h.copy())
    return [(h_got, expected["h"])] + list(zip(gates_got, expected["gates"]))


def attention(student, rng):
    E, x = rng.standard_normal((4, 3)), rng.standard_normal((2, 5))
    pairs = [(student.similarity_matrix(E), key.similarity_matrix(E)), (student.softmax(x), key.softmax(x)),
             (student.attention_weights(E), key.attention_weights(E))]
    output, weights = student.self_attention(E)
    expected_output, expected_weights = key.self_attention(E)
    return pairs + [(output, expected_output), (weights, expected_weights)]


def timeout(*args):
    raise TimeoutError("over the time limit")


signal.signal(signal.SIGALRM, timeout)
signal.alarm(3)
try:
    student = importlib.import_module(EXERCISE)
    pairs = globals()[EXERCISE](student, np.random.default_rng(0))
except Exception as exc:
    print("the submission failed:", type(exc).__name__, exc)
    passed = False
else:
    passed = not any(differs(got, expected) for got, expected in pairs)
signal.alarm(0)
with open("naive_result.json", "w") as handle:
    json.dump({EXERCISE: 25 if passed else 0}, handle)
'''

NAIVE_PYTEST = '''
"""The same checks as pytest tests (a grader that runs the course's test file in the student's folder)."""
import subprocess, sys


def test_exercise():
    done = subprocess.run([sys.executable, "naive_grader.py", "{exercise}", "{repo}"])
    assert done.returncode == 0
    assert open("naive_result.json").read().strip() == '{{"{exercise}": 25}}'
'''

# Runs the naive grader on one folder and reports what happened to it: its result, whether it crashed or hung,
# how much memory it ended up with, and which processes of the case were still there afterwards.
SUPERVISOR = '''
import json, os, resource, signal, subprocess, sys, threading, time
folder, exercise, mode, repo, token, seconds = sys.argv[1:7]
if mode == "pytest":
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "test_naive.py"]
else:
    argv = [sys.executable, "naive_grader.py", exercise, repo]
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
proc = subprocess.Popen(argv, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=limit, env=env)
output = [0, b""]
def drain():
    while chunk := proc.stdout.read1(1 << 16):
        output[0] += len(chunk)
        output[1] = (output[1] + chunk)[-2000:]
threading.Thread(target=drain, daemon=True).start()
try:
    proc.wait(timeout=float(seconds))
    hung = False
except subprocess.TimeoutExpired:
    proc.kill()
    proc.wait()
    hung = True
def lingering():
    names = {}
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and int(entry) != os.getpid() and open(f"/proc/{entry}/comm").read().strip() == token:
                names[int(entry)] = token
        except OSError:
            pass
    return names
deadline = time.monotonic() + 2.0  # a daemon that outlives the grader gets 2 s to do what it came for
while lingering() and time.monotonic() < deadline:
    time.sleep(0.1)
path = os.path.join(folder, "naive_result.json")
try:
    result = json.load(open(path)) if os.path.exists(path) else None
except ValueError:  # the naive grader died while writing it
    result = "unreadable"
left = sorted(lingering())
for pid in left:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print("SUPERVISOR " + json.dumps({"returncode": proc.returncode, "hung": hung, "result": result, "left": left,
                                  "maxrss": maxrss, "output_bytes": output[0],
                                  "tail": output[1].decode(errors="replace")[-500:]}))
'''

# pid 1 of the naive run's pid namespace: starts the supervisor and says whether it was killed.
INIT = '''
import subprocess, sys
done = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
lines = [l for l in done.stdout.decode(errors="replace").splitlines() if l.startswith("SUPERVISOR ")]
if lines and done.returncode == 0:
    print(lines[-1])
else:
    print(f"KILLED {done.returncode} " + done.stderr.decode(errors="replace")[-300:].replace(chr(10), " | "))
'''


def _containment() -> list[str] | None:
    """unshare's argv for a private pid namespace (and /proc), or None where it cannot make one."""
    unshare = shutil.which("unshare")
    if not unshare:
        return None
    argv = [unshare, "--pid", "--fork", "--mount-proc", "--kill-child"]
    if os.geteuid() != 0:  # an unprivileged user needs a user namespace to own the pid namespace
        argv[1:1] = ["--user", "--map-root-user"]
    try:
        ok = subprocess.run([*argv, "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return argv if ok else None


def naive_outcomes(case, folder: Path, token: str, contain: list[str] | None) -> tuple[set[str], dict | str]:
    """Runs the naive grader on `folder` (inside its own pid namespace when `contain` is unshare's argv)."""
    (folder / "naive_grader.py").write_text(NAIVE_GRADER)
    (folder / "test_naive.py").write_text(NAIVE_PYTEST.format(exercise=case["exercise"], repo=REPO))
    seconds = NAIVE_SECONDS * (3 if case["naive_mode"] == "pytest" else 1)  # pytest starts slowly
    argv = [sys.executable, "-c", INIT, SUPERVISOR, str(folder), case["exercise"], case["naive_mode"], str(REPO),
            token, str(seconds)]
    done = subprocess.run((contain or []) + argv, cwd=REPO, capture_output=True, timeout=60)
    line = done.stdout.decode(errors="replace").strip().splitlines()[-1] if done.stdout.strip() else ""
    if line.startswith("KILLED -"):  # by a signal
        return {"killed_supervisor"}, line
    if line.startswith("KILLED"):
        return {"supervisor_failed"}, line
    facts = json.loads(line.removeprefix("SUPERVISOR "))
    outcomes = set()
    if facts["result"] == {case["exercise"]: 25} or (case["naive_mode"] == "pytest" and facts["returncode"] == 0):
        outcomes.add("full_marks")
    if facts["hung"]:
        outcomes.add("hung")
    elif facts["returncode"] != 0 and facts["result"] in (None, "unreadable"):
        outcomes.add("crashed")
    if facts["left"]:
        outcomes.add("left_process")
    if facts["maxrss"] > 512 << 20:  # a naive grader of this size lives in well under 100 MiB
        outcomes.add("exhausted_memory")
    return outcomes, facts


@pytest.fixture(scope="module")
def naive_runs(tmp_path_factory):
    """Every case's naive run, three at a time (they mostly wait): {case: (outcomes, facts) or a skip reason}."""
    root = tmp_path_factory.mktemp("naive")
    contain = _containment()

    def run(case):
        if contain is None and case["contain"]:
            return ("the naive demonstration of this case kills processes by name: it runs only inside a private "
                    "pid namespace, which unshare cannot make here")
        token = new_token()
        folder = materialize(case, root / case["name"], key=False, **placeholders(root / "out", case["name"], token))
        return naive_outcomes(case, folder, token, contain) + (token,)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(CASES, pool.map(run, CASES.values())))


@pytest.mark.parametrize("name", sorted(CASES))
def test_naive_grader_is_fooled(name, naive_runs):
    case, run = CASES[name], naive_runs[name]
    if isinstance(run, str):
        pytest.skip(run)
    outcomes, facts, token = run
    assert case["naive"] in outcomes, f"naive grader: {sorted(outcomes)}; {facts}"
    assert token not in _processes_named({token}).values()
