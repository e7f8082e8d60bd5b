"""The `seqlab grade` command as a student or instructor uses it."""

import json
import shutil
import subprocess
import sys

from seqlab.grading.registry import EXERCISES, max_total


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


def test_only_and_check_select_one_check_and_print_a_rerun_command(repo, tmp_path):
    result = run(repo, "grade", "exercises", "--only", "gru", "--check", "sequence")
    assert result.returncode == 0
    assert "gru" in result.stdout and "attention" not in result.stdout
    assert "0 / 6" in result.stdout and "not implemented yet" in result.stdout
    assert "rerun: python -m seqlab grade exercises --only gru --check sequence" in result.stdout


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
