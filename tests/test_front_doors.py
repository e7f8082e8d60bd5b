"""Both front doors on the corpora: `seqlab grade` and `pytest --seqlab` give the same per-check results.

Every case of the submission corpora (``OFFICIAL``) is graded by both front doors, each given the arguments a user types (`seqlab grade`
through its entry point, `seqlab.cli.main`, in this process; pytest in a fresh process): the mutants on
public inputs, the hostile and hostile_class cases on official inputs (as they are meant to be graded, and where
the pytest front door must be safe: nothing of the submission's is loaded). Compared check by check:

* the two JSON reports (`seqlab grade --json`, `pytest --seqlab-json`): passed, points, max points, message,
  detail, mistake ids, diagnosis, the kind of error, parts, probes, findings, explanation, the exception
  record, and the meta; a rerun line in both or in neither (each names its own door);
* pytest's own verdict of each item (its JUnit XML): failed exactly when the check failed, the points and max
  points as properties, the check's message as the failure's first line, and pytest's exit status.

Cases share a submission folder when they replace different exercises (each exercise runs in its own process and
is judged on its own file alone, so a neighbour changes nothing); an exercise no case replaces is left out (both
doors then report its file missing, without a child). The cases that hang are graded apart, under a short limit.
A case that needs a protection this machine lacks is never run (some kill every python they see): skipped, or
failed under CI / SEQLAB_SANDBOX=required. The pytest door runs with only the seqlab plugin, as in a student's
environment (the dev extras' plugins, hypothesis's above all, take a second to load).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from seqlab.cli import main
from seqlab.grading.sandbox import active_protections
from tests.corpus import CORPUS, load, materialize, missing_needs, new_token, target_name

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
STRICT = os.environ.get("SEQLAB_SANDBOX", "").lower() == "required" or os.environ.get("CI", "").lower() in ("true", "1")
SECRET = "front-doors-test-secret-0123456789abcdef"
STUDENT_PLUGINS = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}  # with -p seqlab (its entry point)

# How each corpus is graded: the mutants and the crashes (exceptions as data) on public inputs, the hostile
# corpora officially.
OFFICIAL = {"mutants": False, "crashes": False, "hostile": True, "hostile_class": True}
# The other corpora are graded through one door by their own tests: the feedback corpora (combined, conventions,
# null: what the words say, the same core either way) by test_feedback_corpora, the environments (isolation,
# gradescope) by test_class_isolation and test_gradescope.
ELSEWHERE = {"combined", "conventions", "null", "isolation", "gradescope"}
SECONDS = 30.0  # wall-clock limit per exercise: generous on a shared machine (memory_bomb takes ~3 s when idle)
HANG_SECONDS = 1.0  # for the cases that never finish: they use all of it, once per door
CASES = {(corpus, name): case for corpus in OFFICIAL
         for name, case in load(corpus, needs=[], timeout=False).items()}


def hangs(case: dict) -> bool:
    return case.get("limit") == "hang" or case["timeout"]


def _files(case: dict) -> set[str]:
    return {f"{case['exercise']}.py"} if case["single_module"] else {target_name(p) for p in case["files"]}


def pack(cases: list[tuple[str, dict]]) -> list[list[tuple[str, dict]]]:
    """Groups of cases that replace different exercises and files (and all hang, or none)."""
    groups: list[list[tuple[str, dict]]] = []
    for corpus, case in cases:
        for group in groups:
            taken = {e for _, c in group for e in c["exercises"]}
            files = {f for _, c in group for f in _files(c)}
            if (hangs(group[0][1]) == hangs(case) and OFFICIAL[group[0][0]] == OFFICIAL[corpus]
                    and not taken & set(case["exercises"]) and not files & _files(case)):
                group.append((corpus, case))
                break
        else:
            groups.append([(corpus, case)])
    return groups


def build(folder: Path, cases: list[dict], student: str, out: Path) -> None:
    for case in cases:
        materialize(case, folder, key=False, REPO=str(REPO), OUT=str(out), STUDENT=student, TOKEN=new_token())


def both_front_doors(folder: Path, work: Path, official: bool, seconds: float, student: str, secret: Path) -> dict:
    """Grades `folder` through `seqlab grade` and `pytest --seqlab`, from the repository root."""
    cli_json, py_json, junit = work / "cli.json", work / "pytest.json", work / "junit.xml"
    cli = ["grade", str(folder), "--json", str(cli_json), "--timeout", str(seconds)]
    py = [PY, "-m", "pytest", "-p", "seqlab", "-p", "no:cacheprovider", "-q", f"--seqlab={folder}",
          f"--seqlab-json={py_json}", f"--junitxml={junit}", f"--seqlab-timeout={seconds}"]
    if official:
        cli += ["--official", "--student", student, "--secret-file", str(secret)]
        py += ["--seqlab-official", f"--seqlab-student={student}", f"--seqlab-secret-file={secret}"]
    assert main(cli) == 0
    ran_py = subprocess.run(py, cwd=REPO, capture_output=True, text=True, timeout=300, env=STUDENT_PLUGINS)
    assert cli_json.is_file() and py_json.is_file(), ran_py.stdout[-3000:] + ran_py.stderr[-3000:]
    return {"cli": json.loads(cli_json.read_text()), "pytest": json.loads(py_json.read_text()),
            "junit": ET.parse(junit).getroot(), "returncode": ran_py.returncode, "stdout": ran_py.stdout}


@pytest.fixture(scope="module")
def graded(request, tmp_path_factory):
    """(corpus, case) -> the grading of the folder that holds it, two folders at a time (2 cores); only the
    cases of the tests this session runs (-k)."""
    root = tmp_path_factory.mktemp("front_doors")
    secret = root / "secret"
    secret.write_text(SECRET)
    active = active_protections()
    selected = {item.callspec.params["key"] for item in request.session.items
                if item.originalname == "test_both_front_doors_agree_check_by_check"}
    runnable = [(corpus, case) for (corpus, name), case in CASES.items()
                if (corpus, name) in selected and not missing_needs(case, active)]
    jobs = []
    for k, group in enumerate(pack(runnable)):
        student, official = f"student-{k}", OFFICIAL[group[0][0]]
        build(root / student / "submission", [case for _, case in group], student, root / student / "out")
        jobs.append((group, root / student, official, HANG_SECONDS if hangs(group[0][1]) else SECONDS, student))

    def run(job):
        _, path, official, seconds, student = job
        return both_front_doors(path / "submission", path, official, seconds, student, secret)

    with contextlib.redirect_stdout(io.StringIO()), ThreadPoolExecutor(max_workers=2) as pool:  # the CLI's tables
        results = list(pool.map(run, jobs))
    return {(corpus, case["name"]): result for job, result in zip(jobs, results) for corpus, case in job[0]}


def junit_items(root: ET.Element) -> dict[tuple[str, str], dict]:
    """(exercise, check) -> what pytest reported for that item."""
    items = {}
    for case in root.iter("testcase"):
        exercise = case.get("classname").rsplit(".", 1)[-1]
        properties = {p.get("name"): float(p.get("value")) for p in case.iter("property")}
        failure = case.find("failure")
        items[(exercise, case.get("name"))] = {"failed": failure is not None, "properties": properties,
                                               "text": failure.text if failure is not None else None}
    return items


COMPARED = ("passed", "points", "max_points", "message", "detail", "mistakes", "diagnosis", "error", "parts", "probes",
            "findings", "explanation", "exception")


def test_the_corpora_are_all_here():
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert {corpus for corpus, _ in CASES} == set(OFFICIAL) == on_disk - ELSEWHERE
    assert len(CASES) >= 90  # 47 mutants, 9 crashes, 18 hostile, 25 hostile_class cases when this was written


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda key: f"{key[0]}/{key[1]}")
def test_both_front_doors_agree_check_by_check(key, graded):
    case = CASES[key]
    missing = missing_needs(case, active_protections())
    if missing:
        reason = f"{key[1]} needs {', '.join(missing)}, which this machine lacks (never run unprotected)"
        if STRICT:
            pytest.fail(reason)
        pytest.skip(reason)
    result = graded[key]
    cli, py = result["cli"], result["pytest"]
    assert py["meta"] == cli["meta"]
    assert (py["total"], py["max_total"]) == (cli["total"], cli["max_total"])
    items = junit_items(result["junit"])
    for exercise in case["exercises"]:
        cli_tests, py_tests = cli["exercises"][exercise]["tests"], py["exercises"][exercise]["tests"]
        assert [t["name"] for t in py_tests] == [t["name"] for t in cli_tests]
        assert py["exercises"][exercise]["score"] == cli["exercises"][exercise]["score"]
        for ours, theirs in zip(py_tests, cli_tests):
            assert {f: ours[f] for f in COMPARED} == {f: theirs[f] for f in COMPARED}, (exercise, ours["name"])
            assert bool(ours["rerun"]) == bool(theirs["rerun"])
            assert not ours["rerun"] or " -m pytest " in ours["rerun"] or ours["rerun"].startswith("pytest ")
            item = items[(exercise, ours["name"])]
            assert item["failed"] == (not theirs["passed"]), (exercise, ours["name"], item)
            assert item["properties"] == {"points": theirs["points"], "max_points": theirs["max_points"]}
            if item["failed"]:
                assert item["text"].splitlines()[0] == theirs["message"]
                assert "Traceback" not in item["text"]
    all_passed = all(t["passed"] for e in cli["exercises"].values() for t in e["tests"])
    assert result["returncode"] == (0 if all_passed else 1), result["stdout"][-2000:]
