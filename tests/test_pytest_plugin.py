"""The pytest front door (seqlab/pytest_plugin.py) as a student or instructor types it.

Every run is a fresh `python -m pytest` from the repository root or a scratch folder. Most load only the seqlab
plugin (PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 with `-p seqlab`, its entry point's name), as in a student's
environment; those marked `autoload` find it through its pytest11 entry point, beside the dev extras' plugins.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seqlab.grading.registry import EXERCISES, max_total
from tests.corpus import load, materialize

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
NODE_IDS = [f"{name}.py::{check.name}" for name, e in EXERCISES.items() for check in e.checks]
GRU_MUTANT = next(case for case in load("mutants").values() if case["exercise"] == "gru")


def pytest_run(*args, cwd=REPO, autoload=False, cache=False, env=None, timeout=180) -> subprocess.CompletedProcess:
    command = [PY, "-m", "pytest", *(() if cache else ("-p", "no:cacheprovider")),
               *(() if autoload else ("-p", "seqlab")), *map(str, args)]
    env = {**os.environ, **({} if autoload else {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}), **(env or {})}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def junit(path: Path) -> list[dict]:
    cases = []
    for case in ET.parse(path).getroot().iter("testcase"):
        failure = case.find("failure")
        cases.append({"id": f"{case.get('classname').replace('.', '/')}.py::{case.get('name')}",
                      "properties": {p.get("name"): float(p.get("value")) for p in case.iter("property")},
                      "message": failure.get("message") if failure is not None else None,
                      "text": failure.text if failure is not None else None})
    return cases


def failure_section(stdout: str, title: str) -> list[str]:
    """The lines pytest printed under one failure's header (``____ title ____``)."""
    lines = stdout.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("_") and f" {title} " in line)
    end = next(k for k in range(start + 1, len(lines)) if lines[k][:1] in ("_", "="))
    return lines[start + 1:end]


@pytest.fixture
def mutant_folder(tmp_path) -> Path:
    """The answer key with a wrong GRU (a corpus mutant): gru's five checks fail, the 22 others pass."""
    return materialize(GRU_MUTANT, tmp_path / "work")


# ---------------------------------------------------------------------------------------------------
# The answer key, the stubs, the node ids
# ---------------------------------------------------------------------------------------------------


def test_answer_key_passes_with_every_check_and_its_points_in_junit(tmp_path):
    xml = tmp_path / "junit.xml"
    run = pytest_run("--seqlab", "solutions", f"--junitxml={xml}", autoload=True)
    assert run.returncode == 0, run.stdout[-3000:]
    assert f"total                {max_total()} / {max_total()}" in run.stdout
    cases = junit(xml)
    assert [c["id"] for c in cases] == [f"solutions/{node}" for node in NODE_IDS]
    points = [check.points for e in EXERCISES.values() for check in e.checks]
    assert [c["properties"] for c in cases] == [{"points": p, "max_points": p} for p in points]
    assert all(c["message"] is None for c in cases)


def test_stubs_fail_every_item_with_not_implemented_and_no_rerun_line(tmp_path):
    xml = tmp_path / "junit.xml"
    run = pytest_run("--seqlab", "exercises", f"--junitxml={xml}")
    assert run.returncode == 1
    cases = junit(xml)
    assert len(cases) == len(NODE_IDS)
    assert all(c["message"] == "not implemented yet" and c["properties"]["points"] == 0 for c in cases), cases
    assert f"{len(NODE_IDS)} failed" in run.stdout
    assert "rerun" not in run.stdout and "Traceback" not in run.stdout
    assert f"total                  0 / {max_total()}" in run.stdout


def test_collect_only_lists_the_checks_by_stable_node_ids_and_not_the_kits_tests():
    run = pytest_run("--seqlab", "solutions", "--co", "-q")
    assert run.returncode == 0
    assert [line for line in run.stdout.splitlines() if "::" in line] == [f"solutions/{n}" for n in NODE_IDS]
    # Nothing was graded: no score table without a run.
    assert "seqlab score" not in run.stdout


def test_without_seqlab_the_plugin_collects_nothing_and_changes_nothing(tmp_path):
    """A folder of exercise modules and a test file of one's own: with the plugin loaded but no --seqlab, pytest
    runs exactly what it runs without the plugin (the kit's own `make test` is such a run)."""
    folder = materialize(GRU_MUTANT, tmp_path / "work")
    (folder / "test_mine.py").write_text("def test_mine():\n    assert True\n")
    loaded = pytest_run("-v", cwd=folder)
    without = subprocess.run([PY, "-m", "pytest", "-p", "no:cacheprovider", "-v"], cwd=folder, capture_output=True,
                             text=True, timeout=180, env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert loaded.returncode == without.returncode == 0
    assert "test_mine.py::test_mine PASSED" in loaded.stdout and "1 passed" in loaded.stdout, loaded.stdout[-2000:]
    tested = [line for line in loaded.stdout.splitlines() if "::" in line]
    assert tested == [line for line in without.stdout.splitlines() if "::" in line]


def test_the_selected_exercises_run_in_one_child_with_all_their_selected_checks(monkeypatch, capsys):
    """In this process (pytest.main), counting the grader's child runs: one for the submission, holding every
    selected check of every selected exercise (each exercise in a fork of its own), none for a deselected one."""
    from seqlab.grading import runner
    from seqlab.grading.probes import PREFIX

    runs = []

    def counted(jobs, limits):  # the checks; their 0-point probes ride along
        runs.append(sorted((job.exercise.name, [case.check.name for case in job.cases
                                                if not case.check.name.startswith(PREFIX)]) for job in jobs))
        return real(jobs, limits)

    real = runner.run_exercises
    monkeypatch.setattr(runner, "run_exercises", counted)
    code = pytest.main(["-p", "no:cacheprovider", "-q", "--seqlab", str(REPO / "solutions"), "-k",
                        "gru or attention and not softmax"])
    assert code == 0, capsys.readouterr().out[-2000:]
    softmax = [c.name for c in EXERCISES["attention"].checks if "softmax" in c.name]
    assert runs == [[("attention", [c.name for c in EXERCISES["attention"].checks if c.name not in softmax]),
                     ("gru", [c.name for c in EXERCISES["gru"].checks])]]


# ---------------------------------------------------------------------------------------------------
# pytest's own options on the checks
# ---------------------------------------------------------------------------------------------------


def test_k_x_v_and_randomly_select_and_stop_as_pytest_does(mutant_folder):
    cwd = mutant_folder.parent
    only_gru = pytest_run("--seqlab", "work", "-k", "gru", "-p", "no:randomly", cwd=cwd)
    assert only_gru.returncode == 1 and "5 failed, 22 deselected" in only_gru.stdout, only_gru.stdout[-2000:]
    gru = [n for n in NODE_IDS if n.startswith("gru.py")]
    verbose = pytest_run("--seqlab", "work", "-v", cwd=cwd)
    assert all(f"work/{n} FAILED" in verbose.stdout for n in gru), verbose.stdout[-3000:]
    assert all(f"work/{n} PASSED" in verbose.stdout for n in NODE_IDS if n not in gru)
    first_failure = pytest_run("--seqlab", "work", "-x", cwd=cwd)
    assert first_failure.returncode == 1 and "stopping after 1 failures" in first_failure.stdout
    assert "1 failed, 13 passed" in first_failure.stdout  # gradient_clipping's 8 and bidirectional's 5 ran first


def test_last_failed_and_failed_first(mutant_folder):
    cwd = mutant_folder.parent
    first = pytest_run("--seqlab", "work", "-q", cwd=cwd, cache=True)
    assert first.returncode == 1 and "5 failed, 22 passed" in first.stdout
    again = pytest_run("--seqlab", "work", "--lf", "-v", cwd=cwd, cache=True)
    ran = [line.split()[0] for line in again.stdout.splitlines() if line.startswith("work/") and "::" in line]
    assert again.returncode == 1 and ran == [f"work/{n}" for n in NODE_IDS if n.startswith("gru.py")], ran
    assert "5 failed in" in again.stdout, again.stdout[-2000:]
    first_first = pytest_run("--seqlab", "work", "--ff", "-v", cwd=cwd, cache=True)
    order = [line.split()[0] for line in first_first.stdout.splitlines() if line.startswith("work/") and "::" in line]
    assert order[:5] == [f"work/{n}" for n in NODE_IDS if n.startswith("gru.py")], order
    assert len(order) == len(NODE_IDS)


def test_a_failed_check_reports_the_graders_message_and_a_rerun_that_works_as_printed(mutant_folder, tmp_path):
    cwd = mutant_folder.parent
    report_path = tmp_path / "report.json"
    run = pytest_run("--seqlab", "work", "--seqlab-json", report_path, cwd=cwd)
    report = json.loads(report_path.read_text())
    result = report["exercises"]["gru"]["tests"][0]
    assert not result["passed"] and result["mistakes"] == GRU_MUTANT["mistakes"]
    section = failure_section(run.stdout, f"gru::{result['name']}")
    assert section[0] == result["message"] and section[1].startswith("0 of 8 points; rerun: ")
    assert "tolerance: rtol" in result["message"] and "Traceback" not in run.stdout
    assert f"report written to {report_path}" in run.stdout and "seqlab score" in run.stdout
    rerun = result["rerun"]
    assert rerun and section[1].endswith(rerun) and f"work/gru.py::{result['name']}" in rerun
    again = subprocess.run(rerun, shell=True, cwd=cwd, capture_output=True, text=True, timeout=180,
                           env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                                "PYTEST_PLUGINS": "seqlab.pytest_plugin"})
    assert again.returncode == 1 and "1 failed in" in again.stdout, again.stdout[-2000:]


def test_a_misnamed_and_a_missing_module_fail_their_items_only(tmp_path):
    folder = materialize({"exercises": (), "files": [], "single_module": False}, tmp_path / "work")
    (folder / "gru.py").rename(folder / "gru_cell.py")
    (folder / "attention.py").unlink()
    xml = tmp_path / "junit.xml"
    run = pytest_run("--seqlab", folder, f"--junitxml={xml}")
    assert run.returncode == 1
    for case in junit(xml):
        exercise = case["id"].split("/")[-1].split(".py")[0]
        if exercise == "gru":
            assert "no gru.py" in case["message"] and "Did you mean to name gru_cell.py gru.py?" in case["message"]
        elif exercise == "attention":
            assert case["message"].startswith("no attention.py")
        else:
            assert case["message"] is None, case
    assert "total                 50 / 100" in run.stdout


# ---------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------


def test_bad_input_is_a_usage_error_that_says_what_to_do(tmp_path):
    nowhere = pytest_run("--seqlab", "no-such-folder")
    assert nowhere.returncode == 4 and "no folder no-such-folder" in nowhere.stderr
    node = pytest_run("--seqlab", "exercises/gru.py::step_float64")
    assert node.returncode == 4 and "exercises exercises/gru.py::step_float64" in node.stderr
    no_secret = pytest_run("--seqlab=solutions", "--seqlab-official", "--seqlab-student=ada",
                           env={"SEQLAB_SECRET_FILE": str(tmp_path / "absent")})
    assert no_secret.returncode == 4 and "seqlab secret --create" in no_secret.stderr, no_secret.stderr
    no_student = pytest_run("--seqlab=solutions", "--seqlab-official")
    assert no_student.returncode == 4 and "--seqlab-student ID" in no_student.stderr
    alone = pytest_run("--seqlab-json", tmp_path / "r.json", "tests/test_registry.py")
    assert alone.returncode == 4 and "needs --seqlab" in alone.stderr


# ---------------------------------------------------------------------------------------------------
# Official runs: nothing in the submission folder is collected or loaded
# ---------------------------------------------------------------------------------------------------

MARK = "import pathlib; pathlib.Path({marks!r}, {name!r}).touch()\n"
PLANTED = {
    # Loaded by pytest, it would pass every check and record that it ran.
    "conftest.py": MARK + "import pytest\n\n\n@pytest.hookimpl(wrapper=True)\n"
                          "def pytest_runtest_makereport(item, call):\n    report = yield\n"
                          "    report.outcome, report.longrepr = 'passed', None\n    return report\n",
    # Read as pytest's configuration, they would drop the plugin or deselect the wrong checks.
    "pytest.ini": "[pytest]\naddopts = -p no:seqlab.pytest_plugin -p no:seqlab\n",
    "pyproject.toml": "[tool.pytest.ini_options]\naddopts = \"-k attention\"\n",
    # Imported by the grading process, they would run student code in it.
    "sitecustomize.py": MARK,
    "numpy.py": MARK + "raise ImportError('the submission shadowed numpy')\n",
    "test_planted.py": MARK + "import numpy\n\n\ndef test_planted():\n    assert True\n",
}


def plant(folder: Path, marks: Path) -> None:
    for name, text in PLANTED.items():
        (folder / name).write_text(text.format(marks=str(marks), name=name))


def official_run(folder: Path, secret: Path, tmp: Path, tag: str, *extra, cwd=REPO):
    xml, report = tmp / f"{tag}.xml", tmp / f"{tag}.json"
    run = pytest_run(f"--seqlab={folder}", "--seqlab-official", "--seqlab-student=ada",
                     f"--seqlab-secret-file={secret}", f"--seqlab-json={report}", f"--junitxml={xml}", *extra, cwd=cwd)
    return run, xml, report


def test_planted_files_change_nothing_in_an_official_run(mutant_folder, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 64)
    marks = tmp_path / "marks"
    marks.mkdir()
    clean, clean_xml, clean_json = official_run(mutant_folder, secret, tmp_path, "clean")
    assert clean.returncode == 1, clean.stdout[-2000:]
    plant(mutant_folder, marks)
    planted, planted_xml, planted_json = official_run(mutant_folder, secret, tmp_path, "planted")
    assert planted.returncode == 1, planted.stdout[-2000:] + planted.stderr[-2000:]
    assert junit(planted_xml) == junit(clean_xml)

    def verdicts(path):
        return {name: [(t["passed"], t["points"], t["message"]) for t in e["tests"]]
                for name, e in json.loads(path.read_text())["exercises"].items()}

    assert verdicts(planted_json) == verdicts(clean_json)
    assert json.loads(planted_json.read_text())["meta"]["seed_kind"] == "official"
    assert not list(marks.iterdir()), "a planted file ran in the grading process"
    # The plants are live: pytest run the naive way, in the folder and with it on sys.path, runs every one.
    naive = subprocess.run([PY, "-m", "pytest", "-p", "no:cacheprovider", "-q"], cwd=mutant_folder,
                           env={**os.environ, "PYTHONPATH": str(mutant_folder)}, capture_output=True, text=True,
                           timeout=180)
    assert naive.returncode != 0
    assert {p.name for p in marks.iterdir()} == {"sitecustomize.py", "numpy.py", "conftest.py", "test_planted.py"}


def test_an_official_run_refuses_test_paths_and_a_working_folder_inside_the_submission(mutant_folder, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 64)
    with_path, _, _ = official_run(mutant_folder, secret, tmp_path, "a", mutant_folder / "gru.py")
    assert with_path.returncode == 4 and "give no test paths" in with_path.stderr
    inside, _, _ = official_run(Path("."), secret, tmp_path, "b", cwd=mutant_folder)
    assert inside.returncode == 4 and "is inside the submission" in inside.stderr, inside.stderr
    two_words = pytest_run("--seqlab", mutant_folder, "--seqlab-official", "--seqlab-student=ada",
                           f"--seqlab-secret-file={secret}")
    assert two_words.returncode == 4 and f"--seqlab=SUBMISSION" in two_words.stderr, two_words.stderr


def test_an_official_run_scores_as_seqlab_grade_does(mutant_folder, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 64)
    _, _, report = official_run(mutant_folder, secret, tmp_path, "o")
    cli_json = tmp_path / "cli.json"
    subprocess.run([PY, "-m", "seqlab", "grade", str(mutant_folder), "--official", "--student", "ada",
                    "--secret-file", str(secret), "--json", str(cli_json)], cwd=REPO, check=True,
                   capture_output=True, timeout=180)
    ours, theirs = json.loads(report.read_text()), json.loads(cli_json.read_text())
    for data in (ours, theirs):
        for e in data["exercises"].values():
            e.pop("seconds")
    assert ours == theirs
    assert ours["total"] == 75 and all(not t["rerun"] for e in ours["exercises"].values() for t in e["tests"])
