"""The Gradescope autograder archive (seqlab.course.gradescope): what it holds, and run_autograder on a submission in a
folder laid out like Gradescope's /autograder; then run as Gradescope runs it (unzipped into a source folder that
setup.sh, run as root, makes root's alone; run_autograder once per submission), with bubblewrap and with a default
Docker container's capabilities (no CAP_SYS_ADMIN: bubblewrap cannot start), against every hostile corpus."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from seqlab.course.gradescope import build_archive, student_id
from seqlab.grading.registry import EXERCISES
from seqlab.grading.sandbox import active_protections
from tests.corpus import load, materialize, new_token

REPO = Path(__file__).resolve().parents[1]
SECRET = b"fedcba9876543210fedcba9876543210-gradescope-test"
STRICT = os.environ.get("SEQLAB_SANDBOX", "").lower() == "required" or os.environ.get("CI", "").lower() in ("true", "1")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    build_archive(path, SECRET, wall_seconds=10.0)
    return path


def test_archive_holds_the_grader_reference_and_secret_but_no_answer_key(archive, tmp_path):
    with zipfile.ZipFile(archive) as z:
        infos = {info.filename: info for info in z.infolist()}
        assert z.read(".seqlab/secret").strip() == SECRET
        config = json.loads(z.read("gradescope.json"))
    for script in ("setup.sh", "run_autograder"):
        assert (infos[script].external_attr >> 16) & 0o777 == 0o755
    assert {"seqlab/grading/grader.py", "seqlab/grading/sandbox.py", "seqlab/grading/driver.py", "reference/gru.py"} <= set(infos)
    assert not [n for n in infos if n.startswith(("solutions/", "tests/", "benchmarks/")) or n.endswith(".pyc")]
    assert config["wall_seconds"] == 10.0 and config["reference_hash"]
    again = tmp_path / "again.zip"
    build_archive(again, SECRET, wall_seconds=10.0)
    assert again.read_bytes() == archive.read_bytes()  # same inputs, same archive


def autograder(archive: Path, root: Path, files: dict[str, Path | str], users=({"id": 1234, "email": "a@b.c"},)):
    """Unpacks the archive as Gradescope does, places a submission, runs run_autograder; returns results.json."""
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(archive) as z:
        z.extractall(root / "source")
    for name, content in files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):  # ("link", path): a symbolic link, as an unpacked upload may hold
            target.symlink_to(content[1])
        elif isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_text(content)
    (root / "submission_metadata.json").write_text(json.dumps({"users": list(users)}))
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), SEQLAB_PYTHON=sys.executable)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_run_autograder_writes_gradescope_results(archive, tmp_path):
    files = {f"my work/{name}.py": REPO / "solutions" / f"{name}.py" for name in EXERCISES}
    files["my work/gru.py"] = REPO / "exercises" / "gru.py"  # unfinished
    results = autograder(archive, tmp_path / "autograder", files)
    assert results["score"] == 75
    assert len(results["tests"]) == sum(len(e.checks) for e in EXERCISES.values())
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility", "status", "number"}
        assert test["visibility"] == "visible" and 0 <= test["score"] <= test["max_score"]
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert {t["tags"][0] for t in failed} == {"gru"} and all("not implemented" in t["output"] for t in failed)
    extra = results["extra_data"]
    assert extra["seed_kind"] == "official" and extra["student"] == "1234" and extra["protections"]
    assert "gru" in results["output"] and results["stdout_visibility"] == "hidden"
    assert str(tmp_path) not in json.dumps(results["tests"])  # no server paths in what students see


def test_run_autograder_refuses_a_link_to_the_answer_key(archive, tmp_path):
    files = {f"{name}.py": REPO / "solutions" / f"{name}.py" for name in EXERCISES}
    files["gru.py"] = ("link", REPO / "solutions" / "gru.py")
    results = autograder(archive, tmp_path / "autograder", files, users=())
    gru = [t for t in results["tests"] if t["tags"] == ["gru"]]
    assert results["score"] == 75 and all("symbolic link" in t["output"] for t in gru)
    assert results["extra_data"]["student"] == "anonymous"


def test_student_id_from_metadata(tmp_path):
    path = tmp_path / "submission_metadata.json"
    path.write_text(json.dumps({"users": [{"id": 9, "email": "b@x"}, {"id": 12, "email": "a@x"}]}))
    assert student_id(path) == "12+9"
    assert student_id(path, "email") == "a@x+b@x"
    assert student_id(tmp_path / "missing.json") == "anonymous"


def test_a_misnamed_upload_keeps_its_hint_and_a_deep_file_says_why(archive, tmp_path):
    files = {f"{name}.py": REPO / "solutions" / f"{name}.py" for name in ("gradient_clipping", "bidirectional_rnn")}
    files["gru_cell.py"] = REPO / "solutions" / "gru.py"  # misnamed
    files["a/b/c/d/e/attention.py"] = REPO / "solutions" / "attention.py"  # five folders down: deeper than the search
    results = autograder(archive, tmp_path / "autograder", files)
    messages = {t["tags"][0]: t["output"] for t in results["tests"] if t["status"] == "failed"}
    assert results["score"] == 50 and set(messages) == {"gru", "attention"}
    assert "no gru.py in your submission. Did you mean to name gru_cell.py gru.py?" in messages["gru"]
    assert ("attention.py is 5 folders down in your upload (a/b/c/d/e/attention.py), but the autograder looks "
            "only 4 folders deep") in messages["attention"]


def test_building_without_a_secret_says_how_to_make_one(tmp_path):
    done = subprocess.run([sys.executable, "-m", "seqlab", "gradescope", str(tmp_path / "a.zip"), "--secret-file",
                           str(tmp_path / "no-secret")], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 2 and not (tmp_path / "a.zip").exists()
    assert "no grading secret at" in done.stderr and "-m seqlab secret --create`" in done.stderr


# ---------------------------------------------------------------------------------------------------
# Run as Gradescope runs it, with bubblewrap and where it cannot start, against the hostile corpora
# ---------------------------------------------------------------------------------------------------

# What a default Docker container keeps of root's capabilities: no CAP_SYS_ADMIN, so bubblewrap cannot start.
DOCKER_CAPABILITIES = ("chown", "dac_override", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
                       "net_bind_service", "net_raw", "sys_chroot", "mknod", "audit_write", "setfcap")
ENVIRONMENTS = ("bubblewrap", "docker")
HANG_SECONDS = 3.0  # the archive's wall-clock limit: the hanging cases use it up
GRADESCOPE_CASES = load("gradescope")
STUDENT = "1234"


def environment_argv(environment: str) -> list[str]:
    if environment == "bubblewrap":
        return []
    return [shutil.which("setpriv"), "--bounding-set=" + ",".join(["-all"] + [f"+{c}" for c in DOCKER_CAPABILITIES]),
            "--"]


def needs_root_sandbox(environment: str) -> None:
    active = set(active_protections())
    missing = [p for p in ("unprivileged_uid",) + (("private_filesystem",) if environment == "bubblewrap" else ())
               if p not in active]
    if os.geteuid() != 0 or missing:
        reason = f"Gradescope's layout runs as root with the sandbox users{' and bubblewrap' * (environment == 'bubblewrap')}"
        pytest.fail(reason) if STRICT else pytest.skip(reason)


class Autograder:
    """A folder laid out like Gradescope's /autograder, world-readable like it: the archive unzipped into source/,
    setup.sh run once as root, then run_autograder once per submission (submission/ replaced each time)."""

    def __init__(self, archive: Path, environment: str):
        self.root = Path(tempfile.mkdtemp(prefix="seqlab-autograder-"))  # in /tmp: nothing above it is closed
        os.chmod(self.root, 0o755)
        self.environment = environment
        with zipfile.ZipFile(archive) as z:
            z.extractall(self.root / "source")
        for info in zipfile.ZipFile(archive).infolist():  # zipfile drops modes: give the scripts theirs back
            os.chmod(self.root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
        done = self.run("setup.sh")
        assert done.returncode == 0, done.stdout + done.stderr

    def run(self, script: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, AUTOGRADER_ROOT=str(self.root), SEQLAB_PYTHON=sys.executable)
        env.pop("SEQLAB_SANDBOX", None)  # run_autograder sets it, as the archive was built
        return subprocess.run(environment_argv(self.environment) + ["bash", str(self.root / "source" / script)],
                              env=env, capture_output=True, text=True, timeout=180)

    def grade(self, submission: dict[str, dict]) -> tuple[dict, str, str]:
        """Grades one submission ({exercise: case or None for the answer key}): (results.json, its text, output)."""
        shutil.rmtree(self.root / "submission", ignore_errors=True)
        shutil.rmtree(self.root / "results", ignore_errors=True)
        folder = self.root / "submission"
        folder.mkdir()
        for exercise, case in submission.items():
            if case is None:
                shutil.copyfile(REPO / "solutions" / f"{exercise}.py", folder / f"{exercise}.py")
            else:
                materialize(case, folder, key=False, **case["values"])
        (self.root / "submission_metadata.json").write_text(json.dumps({"users": [{"id": int(STUDENT)}]}))
        done = self.run("run_autograder")
        text = (self.root / "results" / "results.json").read_text()
        return json.loads(text), text, done.stdout + done.stderr

    def close(self) -> None:
        shutil.rmtree(self.root)


def hostile_cases(autograder_root: Path, environment: str) -> list[dict]:
    """The cases of the hostile corpora that replace one exercise, with their placeholders filled in for this
    autograder: the attacks aim at what Gradescope holds (source/ for the repository, results/ for OUT). Where
    bubblewrap cannot start, all of them; with bubblewrap, hostile/ and gradescope/ (test_classroom_hostile.py
    already grades hostile_class/ under bubblewrap)."""
    cases = []
    corpora = [load("hostile"), GRADESCOPE_CASES]
    if environment == "docker":
        corpora.append(load("hostile_class", needs=[], timeout=False))
    for corpus in corpora:
        for case in corpus.values():
            if len(case["exercises"]) != 1:
                continue  # hard_coded (two exercises, filled in by its own test)
            values = {"REPO": str(autograder_root / "source"), "OUT": str(autograder_root / "results"),
                      "STUDENT": STUDENT, "TOKEN": new_token(), "AUTOGRADER": str(autograder_root)}
            cases.append({**case, "values": values})
    return cases


def pack(cases: list[dict]) -> list[dict[str, dict | None]]:
    """Submissions of up to one hostile case per exercise (the answer key elsewhere); hanging cases first."""
    by_exercise = {name: sorted((c for c in cases if c["exercise"] == name),
                                key=lambda c: not (c.get("limit") == "hang" or c.get("timeout")))
                   for name in EXERCISES}
    count = max(len(column) for column in by_exercise.values())
    return [{name: column[i] if i < len(column) else None for name, column in by_exercise.items()}
            for i in range(count)]


def reap_reparented(seconds: float = 5.0) -> None:
    """Once it has run a sandboxed child, this process is a subreaper: what a command it ran leaves behind (a pool's
    workers, a hostile daemon's forks) is reparented here when its parent exits. Reap it (the callers have no
    child of their own at that moment)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def substantive_lines(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text().splitlines() if len(line.strip()) >= 30}


def alive(tokens: set[str]) -> set[str]:
    found = set()
    for entry in os.listdir("/proc"):
        try:
            comm = Path(f"/proc/{entry}/comm").read_text().strip()
        except OSError:
            continue
        if comm in tokens:
            found.add(comm)
    return found


@pytest.fixture(scope="module")
def hang_archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("gradescope-hang") / "autograder.zip"
    build_archive(path, SECRET, wall_seconds=HANG_SECONDS)
    return path


NAIVE_AUTOGRADER = r'''
"""A naive Gradescope autograder, as courses write them: imports each submitted file in its own process (root),
runs it against the reference, and writes results.json, with any error's text as the test's output."""
import importlib.util, json, sys, traceback
from pathlib import Path
import numpy as np

root = Path(sys.argv[1])
sys.path.insert(0, str(root / "source"))
from reference.bidirectional_rnn import BidirectionalRNN
from reference.gradient_clipping import clip_grad_norm
from reference.gru import GRUCell

rng = np.random.default_rng(0)
checks = {
    "gradient_clipping": lambda m: np.isclose(m.clip_grad_norm({"W": np.ones((3, 2))}, 1.0),
                                              clip_grad_norm({"W": np.ones((3, 2))}, 1.0)),
    "bidirectional_rnn": lambda m: m.BidirectionalRNN(3, 4, 2).forward([rng.standard_normal((3, 2))]) is not None,
    "gru": lambda m: m.GRUCell(3, 4).forward(np.ones((3, 2)), np.ones((4, 2))) is not None,
}
tests = []
for name, check in checks.items():
    try:
        spec = importlib.util.spec_from_file_location(name, root / "submission" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        score, output = (25, "passed") if check(module) else (0, "wrong")
    except Exception:
        score, output = 0, traceback.format_exc()
    tests.append({"name": name, "score": score, "max_score": 25, "output": output})
results = {"score": sum(t["score"] for t in tests), "tests": tests}
(root / "results" / "results.json").write_text(json.dumps(results))
'''


@pytest.mark.parametrize("name", sorted(GRADESCOPE_CASES))
def test_each_gradescope_attack_beats_a_naive_autograder(name, archive):
    """(a) read the secret, kill the autograder and fake results.json, a daemon that rewrites it afterwards."""
    root = Path(tempfile.mkdtemp(prefix="seqlab-naive-autograder-"))
    try:
        with zipfile.ZipFile(archive) as z:
            z.extractall(root / "source")
        (root / "results").mkdir()
        case = GRADESCOPE_CASES[name]
        token = new_token()
        folder = root / "submission"
        folder.mkdir()
        for exercise in ("gradient_clipping", "bidirectional_rnn", "gru"):
            shutil.copyfile(REPO / "solutions" / f"{exercise}.py", folder / f"{exercise}.py")
        materialize(case, folder, key=False, AUTOGRADER=str(root), TOKEN=token)
        subprocess.run([sys.executable, "-c", NAIVE_AUTOGRADER, str(root)], capture_output=True, timeout=60)
        written = (root / "results" / "results.json").read_text()
        time.sleep(1.6)  # a daemon, if any, has rewritten it by now
        results = json.loads((root / "results" / "results.json").read_text())
        if case["naive"] == "leaked":
            assert SECRET.decode() in written and substantive_lines(root / "source" / "reference" / "gru.py") & {
                line.strip() for line in json.loads(written)["tests"][2]["output"].splitlines()}
        elif case["naive"] == "faked":
            assert results == {"score": 100, "output": "All tests passed.", "tests": []}
        else:
            assert json.loads(written)["score"] < 100 and results["score"] == 100  # rewritten after the autograder
    finally:
        for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
            try:
                if Path(f"/proc/{pid}/comm").read_text().strip() == token:
                    os.kill(pid, 9)
            except OSError:
                pass
        reap_reparented()
        shutil.rmtree(root)


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def graded_corpus(request, hang_archive):
    """Every hostile case, packed into submissions, graded by run_autograder in one environment, two autograder
    folders at a time (as two Gradescope containers would)."""
    environment = request.param
    needs_root_sandbox(environment)
    autograders = [Autograder(hang_archive, environment) for _ in range(2)]
    try:
        def work(k: int) -> list[dict]:
            grader, runs = autograders[k], []
            for submission in pack(hostile_cases(grader.root, environment))[k::2]:
                results, text, output = grader.grade(submission)
                tokens = {case["values"]["TOKEN"] for case in submission.values() if case is not None}
                runs.append({"submission": submission, "results": results, "text": text, "output": output,
                             "tokens": tokens, "left": alive(tokens)})
            return runs

        with ThreadPoolExecutor(2) as pool:
            per_autograder = list(pool.map(work, range(2)))
        time.sleep(1.6)  # what a daemon would do after the autograder finished, it has done by now
        rewritten = [(grader.root / "results" / "results.json").read_text() != runs[-1]["text"]
                     for grader, runs in zip(autograders, per_autograder)]
        runs = [run for batch in per_autograder for run in batch]
        yield {"environment": environment, "runs": runs, "rewritten": rewritten,
               "left_later": alive(set().union(*(run["tokens"] for run in runs)))}
    finally:
        for grader in autograders:
            grader.close()


def test_run_autograder_holds_against_every_hostile_case(graded_corpus):
    """(b) In each submission every hostile case's exercise scores 0 and the answer key's keep their marks; no
    results.json or output holds the secret or a line of the reference; results.json is the grader's (no fake
    read, none rewritten afterwards); no process of the submission is left once run_autograder returns."""
    secret = SECRET.decode()
    reference = set().union(*(substantive_lines(p) for p in (REPO / "reference").rglob("*.py")))
    failures = []
    for run in graded_corpus["runs"]:
        results, names = run["results"], sorted(c["name"] for c in run["submission"].values() if c is not None)
        if not results.get("tests") or results["score"] != sum(t["score"] for t in results["tests"]):
            failures.append(f"{names}: results.json is not the grader's: {run['text'][:300]}")
            continue
        for exercise, case in run["submission"].items():
            got = sum(t["score"] for t in results["tests"] if t["tags"] == [exercise])
            expected = 0 if case is not None else EXERCISES[exercise].max_score
            if got != expected:
                messages = [t["output"][:200] for t in results["tests"] if t["tags"] == [exercise]]
                failures.append(f"{case['name'] if case else exercise}: {got} points, not {expected}: {messages}")
        for where, text in (("results.json", run["text"]), ("output", run["output"])):
            if secret in text:
                failures.append(f"{names}: the secret is in the {where}")
            leaked = sorted(line for line in reference if line in text)
            if leaked:
                failures.append(f"{names}: reference lines in the {where}: {leaked[:3]}")
        if run["left"]:
            failures.append(f"{names}: processes left after run_autograder: {sorted(run['left'])}")
    if any(graded_corpus["rewritten"]) or graded_corpus["left_later"]:
        failures.append(f"results.json rewritten afterwards: {graded_corpus['rewritten']}; "
                        f"processes alive later: {sorted(graded_corpus['left_later'])}")
    assert not failures, "\n".join(failures)
    graded = {c["name"] for run in graded_corpus["runs"] for c in run["submission"].values() if c is not None}
    corpora = ["hostile", "gradescope"] + ["hostile_class"] * (graded_corpus["environment"] == "docker")
    assert graded == {name for corpus in corpora for name, case in load(corpus).items() if len(case["exercises"]) == 1}
    protections = {p for run in graded_corpus["runs"] for p in run["results"]["extra_data"]["protections"]}
    assert {"unprivileged_uid", "private_workdir", "numpy_only_site"} <= protections
    assert ("private_filesystem" in protections) == (graded_corpus["environment"] == "bubblewrap")


def test_a_require_sandbox_archive_grades_nobody_where_bubblewrap_cannot_start(tmp_path):
    needs_root_sandbox("docker")
    archive = tmp_path / "required.zip"
    build_archive(archive, SECRET, require_sandbox=True)
    with zipfile.ZipFile(archive) as z:
        assert json.loads(z.read("gradescope.json"))["sandbox"] == "required"
        assert "export SEQLAB_SANDBOX=required" in z.read("run_autograder").decode()
    grader = Autograder(archive, "docker")
    try:
        results, _, _ = grader.grade({name: None for name in EXERCISES})
    finally:
        grader.close()
    assert results["score"] == 0 and results["tests"] == []
    assert ("The autograder itself failed (SandboxUnavailable: SEQLAB_SANDBOX=required, but this machine lacks: "
            "private_filesystem, pid_namespace, no_network") in results["output"]
