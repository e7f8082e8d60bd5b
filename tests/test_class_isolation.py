"""Children that must not reach each other (tests/corpus/isolation/), in a class of several.

Each case first works against a grader whose children share its uid and /tmp: seqlab's own portable mode, forced
here (no bubblewrap, no sandbox users, no Landlock), as on a laptop or in a container without user namespaces.
Then `seqlab class-grade` grades the class as a root grader where bubblewrap cannot start (a default Docker
container's capabilities): the saboteur's victims keep their 25 points, the thief scores 0. (Exercises of one
submission share a sandbox, and so a uid; one that another broke is graded again alone: seqlab.grading.host.)
Where children would share a uid, class grading refuses unless --allow-unisolated, which every report records.
"""

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from seqlab.course import classroom
from seqlab.grading import sandbox
from seqlab.grading.grader import grade
from seqlab.grading.oracle import ReferenceOracle
from seqlab.grading.registry import EXERCISES
from seqlab.grading.sandbox import SandboxUnavailable, active_protections
from seqlab.grading.seeds import PUBLIC
from tests.corpus import load, materialize, new_token
from tests.test_gradescope import environment_argv, reap_reparented

REPO = Path(__file__).resolve().parents[1]
STRICT = os.environ.get("SEQLAB_SANDBOX", "").lower() == "required" or os.environ.get("CI", "").lower() in ("true", "1")
CASES = load("isolation")
SLOW_IMPORT = 1.5  # seconds a victim's or classmate's module takes to import: its child works meanwhile

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the attacks read /proc and /tmp (Linux)")


def marked_key(exercise: str, token: str) -> str:
    """The answer key's module, slowed down at import and marked with the case's token."""
    return (f'"""The answer key\'s {exercise}, slowed down at import and marked {token}."""\n\nimport time\n\n'
            f"time.sleep({SLOW_IMPORT})\n\n" + (REPO / "solutions" / f"{exercise}.py").read_text())


def student(folder: Path, case: dict | None, token: str, marked: str | None = None) -> Path:
    """A submission: the case's files (or none), `marked` exercise slowed and marked, the answer key elsewhere."""
    materialize(case or {"name": "", "exercises": (), "files": [], "single_module": False}, folder, TOKEN=token)
    if marked:
        (folder / f"{marked}.py").write_text(marked_key(marked, token))
    return folder


def open_to_everyone(root: Path) -> None:
    """As an instructor's folders often are: readable by every user (the sandbox users too)."""
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


@pytest.fixture
def shared_uid(monkeypatch):
    """This machine with its children sharing the grader's uid and /tmp: no bubblewrap, no users, no Landlock."""
    plan = sandbox._probe_plan(allow_bwrap=False)
    kept = tuple(p for p in plan.protections if not p.startswith("landlock")
                 and p not in ("unprivileged_uid", "no_capabilities", "private_workdir"))
    plan = dataclasses.replace(plan, users=(), landlock=0, protections=kept)
    monkeypatch.setattr(sandbox, "_plan", lambda: plan)
    monkeypatch.setenv("SEQLAB_SANDBOX", "best")  # what such a machine can run: required would refuse it
    return plan


def test_children_of_one_uid_reach_each_other(shared_uid, tmp_path):
    """(a) The sabotage destroys a classmate's score (its own sibling, broken too, is graded again alone); the thief
    gets full marks with a classmate's GRU."""
    oracle, token = ReferenceOracle(REPO), new_token()
    saboteur = student(tmp_path / "saboteur", CASES["sibling_sabotage"], token, marked="bidirectional_rnn")
    victim = student(tmp_path / "victim", None, token, marked="bidirectional_rnn")
    with ThreadPoolExecutor(2) as pool:  # two students graded at once, as class grading's workers do
        own = pool.submit(grade, saboteur, oracle, PUBLIC)
        time.sleep(0.2)
        classmate = pool.submit(grade, victim, oracle, PUBLIC, only="bidirectional_rnn")
        assert classmate.result().exercises["bidirectional_rnn"].score == 0
        assert own.result().total == 100
    thief = student(tmp_path / "thief", CASES["read_classmate"], token)
    classmate = student(tmp_path / "classmate", None, token, marked="gru")
    with ThreadPoolExecutor(2) as pool:
        stolen = pool.submit(grade, thief, oracle, PUBLIC, only="gru")
        time.sleep(0.2)
        honest = pool.submit(grade, classmate, oracle, PUBLIC, only="gru")
        assert stolen.result().total == honest.result().total == 25
    source = (thief / "gru.py").read_text()
    assert "class GRUCell" not in source and "numpy" not in source  # no GRU of its own: the classmate's scored


def test_class_grading_refuses_children_that_share_a_uid(shared_uid, tmp_path):
    submissions = tmp_path / "submissions"
    student(submissions / "honest", None, new_token())
    with pytest.raises(SandboxUnavailable, match="could read or overwrite another's files.*--allow-unisolated"):
        classroom.grade_class(submissions, tmp_path / "out", workers=1, progress=False)
    result = classroom.grade_class(submissions, tmp_path / "out", workers=1, progress=False, allow_unisolated=True)
    report = json.loads((tmp_path / "out" / "reports" / "honest.json").read_text())
    assert result.allow_unisolated and report["meta"]["allow_unisolated"] is True and report["total"] == 100
    assert json.loads((tmp_path / "out" / "class.json").read_text())["allow_unisolated"] is True


def test_without_landlock_open_submissions_are_refused(monkeypatch, tmp_path):
    """Sandbox users but neither bubblewrap nor Landlock: every child sees the file system, so submissions that
    every user may read are refused (a thief would read its classmates' files there)."""
    if os.geteuid() != 0:
        pytest.skip("the sandbox users are used only by a root grader")
    plan = sandbox._probe_plan(allow_bwrap=False)
    plan = dataclasses.replace(plan, landlock=0, protections=tuple(p for p in plan.protections
                                                                    if not p.startswith("landlock")))
    monkeypatch.setattr(sandbox, "_plan", lambda: plan)
    monkeypatch.setenv("SEQLAB_SANDBOX", "best")
    root = Path(tempfile.mkdtemp(prefix="seqlab-test-class-"))  # in /tmp: nothing above it is closed
    try:
        student(root / "submissions" / "honest", None, new_token())
        open_to_everyone(root)
        with pytest.raises(SandboxUnavailable, match="can be read by every user.*chmod -R go-rwx"):
            classroom.grade_class(root / "submissions", root / "out", workers=1, progress=False)
        os.chmod(root / "submissions", 0o700)  # closed: graded
        classroom.grade_class(root / "submissions", root / "out", workers=1, progress=False)
        assert json.loads((root / "out" / "reports" / "honest.json").read_text())["total"] == 100
    finally:
        shutil.rmtree(root)


def test_a_class_is_graded_apart_where_bubblewrap_cannot_start():
    """(b) `seqlab class-grade` of a class of four, two students at a time, its submissions readable by every user,
    with a default Docker container's capabilities (bubblewrap cannot start): the saboteur's victims (its own
    bidirectional_rnn, graded again alone if it reached it, and the classmate graded beside it) keep their marks,
    the thief finds nothing, everyone else is untouched. (With bubblewrap the children cannot even see each other:
    test_classroom_hostile.py, test_sandbox.py.)"""
    environment = "docker"
    if os.geteuid() != 0 or "unprivileged_uid" not in active_protections():
        reason = "needs a root grader with the sandbox users (.ci/install-sandbox.sh)"
        pytest.fail(reason) if STRICT else pytest.skip(reason)
    token = new_token()
    root = Path(tempfile.mkdtemp(prefix="seqlab-test-class-"))
    try:
        submissions = root / "submissions"
        student(submissions / "a-classmate", None, token, marked="gru")  # graded beside the thief
        student(submissions / "b-thief", CASES["read_classmate"], token)
        student(submissions / "c-saboteur", CASES["sibling_sabotage"], token, marked="bidirectional_rnn")
        student(submissions / "d-honest", None, token, marked="bidirectional_rnn")  # beside the saboteur
        open_to_everyone(root)
        env = {k: v for k, v in os.environ.items() if k != "SEQLAB_SANDBOX"}
        done = subprocess.run(environment_argv(environment) + [
            sys.executable, "-m", "seqlab", "class-grade", str(submissions), "--out", str(root / "out"),
            "--workers", "2", "--no-progress"], capture_output=True, text=True, timeout=300, cwd=REPO, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        reports = {p.stem: json.loads(p.read_text()) for p in (root / "out" / "reports").glob("*.json")}
    finally:
        shutil.rmtree(root)
        reap_reparented()
    scores = {name: {e: r["exercises"][e]["score"] for e in EXERCISES} for name, r in reports.items()}
    full = {e: spec.max_score for e, spec in EXERCISES.items()}
    assert scores == {"a-classmate": full, "b-thief": {**full, "gru": 0}, "c-saboteur": full, "d-honest": full}
    assert "no classmate's gru.py within reach" in reports["b-thief"]["exercises"]["gru"]["tests"][0]["message"]
    protections = set(reports["d-honest"]["meta"]["protections"])
    assert {"unprivileged_uid", "private_workdir"} <= protections
    assert "private_filesystem" not in protections
    assert all(r["meta"]["allow_unisolated"] is False for r in reports.values())
