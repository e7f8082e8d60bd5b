"""The `seqlab grade` command as a student or instructor uses it."""

import json
import os
import shutil
import subprocess
import sys

from seqlab.grading.registry import EXERCISES, max_total
from tests.corpus import load, materialize


def run(repo, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "seqlab", *args], cwd=repo, capture_output=True, text=True,
                          timeout=timeout)


def test_json_report_has_the_documented_shape(repo, tmp_path):
    out = tmp_path / "report.json"
    result = run(repo, "grade", "solutions", "--json", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["total"] == report["max_total"] == max_total()
    assert list(report["exercises"]) == list(EXERCISES)
    for name, exercise in report["exercises"].items():
        assert exercise["score"] == exercise["max_score"] == EXERCISES[name].max_score
        for test in exercise["tests"]:
            assert {"name", "passed", "points", "message"} <= set(test)
    meta = report["meta"]
    assert meta["grader_version"] and len(meta["reference_hash"]) == 64 and meta["seed_kind"] == "public"


def test_misnamed_and_missing_modules_are_named(repo, tmp_path):
    for name in EXERCISES:
        shutil.copy(repo / "solutions" / f"{name}.py", tmp_path / f"{name}.py")
    (tmp_path / "gru.py").rename(tmp_path / "gru_cell.py")
    (tmp_path / "attention.py").unlink()
    result = run(repo, "grade", str(tmp_path))
    assert result.returncode == 0  # a low score is not a grader failure
    assert "no gru.py" in result.stdout and "Did you mean to name gru_cell.py gru.py?" in result.stdout
    assert "no attention.py" in result.stdout
    assert "total                 50 / 100" in result.stdout


def test_only_and_check_select_one_check(repo, tmp_path):
    result = run(repo, "grade", "exercises", "--only", "gru", "--check", "sequence")
    assert result.returncode == 0
    assert "gru" in result.stdout and "attention" not in result.stdout
    assert "0 / 6" in result.stdout and "not implemented yet" in result.stdout
    assert "rerun:" not in result.stdout  # an untouched stub needs code, not a rerun


def test_the_rerun_line_works_as_printed_without_an_active_venv(repo, tmp_path):
    """From the repository root, as after `make grade`: the printed command names this venv's python."""
    case = next(c for c in load("mutants").values() if c["exercise"] == "gru")
    folder = materialize(case, tmp_path / "work")
    venv_bin = os.path.dirname(sys.executable)
    env = {**os.environ, "PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)}
    graded = subprocess.run([sys.executable, "-m", "seqlab", "grade", str(folder)], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=120)
    reruns = [line.split("rerun: ", 1)[1] for line in graded.stdout.splitlines() if "rerun: " in line]
    assert len(reruns) == 1, graded.stdout  # the answer key's three exercises pass
    assert not reruns[0].startswith("python "), reruns  # that python (if any) is not this venv's
    again = subprocess.run(reruns[0], shell=True, cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    check = reruns[0].rsplit(" ", 1)[1]
    assert f"x {check} (-" in again.stdout and "attention" not in again.stdout, again.stdout


def test_bad_arguments_exit_non_zero_with_a_reason(repo, tmp_path):
    assert run(repo, "grade", str(tmp_path / "nowhere")).returncode == 2
    bad = run(repo, "grade", "exercises", "--only", "lstm")
    assert bad.returncode == 2 and "unknown exercise 'lstm'" in bad.stderr
    bad = run(repo, "grade", "exercises", "--only", "gru", "--check", "nope")
    assert bad.returncode == 2 and "step_float64" in bad.stderr


def test_official_grading_is_deterministic_and_differs_from_public_inputs(repo, tmp_path):
    secret = tmp_path / "secret"
    assert run(repo, "secret", "--create", "--secret-file", str(secret)).returncode == 0
    reports = []
    for k in range(2):
        out = tmp_path / f"official{k}.json"
        result = run(repo, "grade", "solutions", "--official", "--student", "ada", "--secret-file", str(secret),
                     "--json", str(out))
        assert result.returncode == 0, result.stderr
        reports.append(json.loads(out.read_text()))
    assert reports[0]["total"] == reports[1]["total"] == max_total()
    assert reports[0]["meta"]["seed_kind"] == "official" and reports[0]["meta"]["student"] == "ada"


def test_a_symbolic_link_to_the_answer_key_is_not_graded(repo, tmp_path):
    for name in EXERCISES:
        if name != "gru":
            shutil.copy(repo / "exercises" / f"{name}.py", tmp_path / f"{name}.py")
    (tmp_path / "gru.py").symlink_to(repo / "solutions" / "gru.py")
    result = run(repo, "grade", str(tmp_path), "--only", "gru")
    assert "gru.py is a symbolic link" in result.stdout
    assert "0 / 25" in result.stdout
