"""The Gradescope autograder archive (seqlab.course.gradescope): what it holds, and run_autograder on a submission in a
folder laid out like Gradescope's /autograder."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from seqlab.grading.registry import EXERCISES
from seqlab.course.gradescope import build_archive, student_id

REPO = Path(__file__).resolve().parents[1]
SECRET = b"fedcba9876543210fedcba9876543210-gradescope-test"


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
