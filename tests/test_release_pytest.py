"""A student release is a pytest project and a GitHub Classroom template.

Inside a freshly built release, plain `python -m pytest` lists and runs the checks (the release's pyproject names
`--seqlab=exercises`; `.vscode/settings.json` turns on the editor's pytest panel); its Classroom workflow has one
step per exercise with the registry's points, and each step's command, run as printed in the release, passes on
the answer key, fails on the stubs, and fails only for its own exercise on a mutant.

pytest runs here with only the seqlab plugin (PYTEST_PLUGINS, autoload off), as in a student's environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from seqlab.course.editors import VSCODE_SETTINGS
from seqlab.course.github_classroom import WORKFLOW
from seqlab.grading.registry import EXERCISES
from tests.corpus import load, materialize

REPO = Path(__file__).resolve().parents[1]
STUDENT_ENV = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_PLUGINS": "seqlab.pytest_plugin",
               "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
NODE_IDS = [f"exercises/{e.file_name}::{check.name}" for e in EXERCISES.values() for check in e.checks]


def copy_with(release: Path, target: Path, modules: Path | None) -> Path:
    """A copy of the release whose exercises/ holds `modules`' exercise files (None: the stubs as released)."""
    shutil.copytree(release, target)
    if modules is not None:
        for exercise in EXERCISES.values():
            shutil.copyfile(modules / exercise.file_name, target / "exercises" / exercise.file_name)
    return target


def in_release(release: Path, command: str | list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, shell=isinstance(command, str), cwd=release, env=STUDENT_ENV, capture_output=True,
                          text=True, timeout=180)


def test_the_release_configures_pytest_and_the_editor(release):
    ours = tomllib.loads((release / "pyproject.toml").read_text())
    theirs = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert ours["tool"]["pytest"]["ini_options"] == {"addopts": "--seqlab=exercises"}
    ours["tool"].pop("pytest"), theirs["tool"].pop("pytest")
    assert ours == theirs  # nothing else of the instructor's pyproject changed
    assert json.loads((release / ".vscode" / "settings.json").read_text()) == VSCODE_SETTINGS
    assert (release / "seqlab" / "pytest_plugin.py").is_file()


def test_plain_pytest_in_a_fresh_release_lists_every_check(release):
    listed = in_release(release, [sys.executable, "-m", "pytest", "--co", "-q"])
    assert listed.returncode == 0, listed.stdout[-2000:] + listed.stderr[-2000:]
    assert [line for line in listed.stdout.splitlines() if "::" in line] == NODE_IDS


def test_plain_pytest_passes_the_answer_key_and_fails_each_stub_as_not_implemented(release, tmp_path):
    key = copy_with(release, tmp_path / "key", REPO / "solutions")
    passed = in_release(key, [sys.executable, "-m", "pytest"])
    assert passed.returncode == 0, passed.stdout[-3000:]
    assert "total                100 / 100" in passed.stdout and "judged by public data" in passed.stdout
    xml = tmp_path / "stubs.xml"
    failed = in_release(release, [sys.executable, "-m", "pytest", f"--junitxml={xml}"])
    assert failed.returncode == 1
    messages = [case.find("failure").get("message") for case in ET.parse(xml).getroot().iter("testcase")]
    assert messages == ["not implemented yet"] * len(NODE_IDS)


def test_the_classroom_workflow_steps_score_each_exercise(release, tmp_path):
    workflow = yaml.safe_load((release / WORKFLOW).read_text())
    assert set(workflow["on"]) == {"push", "repository_dispatch"}
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")]
    assert [s["id"] for s in graders] == list(EXERCISES)
    assert [s["with"]["max-score"] for s in graders] == [e.max_score for e in EXERCISES.values()]
    assert sum(s["with"]["max-score"] for s in graders) == 100
    reporter = steps[-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter")
    assert reporter["with"]["runners"].split(",") == list(EXERCISES)
    assert reporter["env"] == {f"{name.upper()}_RESULTS": f"${{{{steps.{name}.outputs.result}}}}" for name in EXERCISES}
    assert steps.index(reporter) == len(steps) - 1 and any(s.get("run", "").endswith("pip install --quiet -e .")
                                                          for s in steps[:steps.index(graders[0])])

    # A step grades its own exercise's file only, so the mutant's repository (a wrong GRU, the answer key for the
    # other exercises) runs the answer key's steps too; the key's repository is needed for the GRU step alone.
    mutant = next(case for case in load("mutants").values() if case["exercise"] == "gru")
    repositories = {"key": copy_with(release, tmp_path / "key", REPO / "solutions"),
                    "stubs": copy_with(release, tmp_path / "stubs", None),
                    "mutant": copy_with(release, tmp_path / "mutant", materialize(mutant, tmp_path / "gru-mutant"))}
    runs = [("key", "gru")] + [(kind, name) for kind in ("stubs", "mutant") for name in EXERCISES]
    commands = {step["id"]: step["with"]["command"] for step in graders}
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = dict(zip(runs, pool.map(lambda r: in_release(repositories[r[0]], commands[r[1]]).returncode, runs)))
    key = {name: codes[("key", name)] if name == "gru" else codes[("mutant", name)] for name in EXERCISES}
    assert key == {name: 0 for name in EXERCISES}, codes  # the answer key: every step passes
    assert all(codes[("stubs", name)] == 1 for name in EXERCISES), codes  # the stubs: every step fails
    assert {name: codes[("mutant", name)] for name in EXERCISES} == {name: int(name == "gru") for name in EXERCISES}


def test_the_classroom_workflow_command_writes_the_releases_workflow(release, tmp_path):
    done = subprocess.run([sys.executable, "-m", "seqlab", "classroom-workflow", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and str(tmp_path / WORKFLOW) in done.stdout, done.stderr
    assert (tmp_path / WORKFLOW).read_text() == (release / WORKFLOW).read_text()
