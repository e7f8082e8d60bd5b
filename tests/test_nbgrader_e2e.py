"""The nbgrader course end to end, headless, with real nbgrader, on a scratch copy of the course.

generate_assignment -> release_assignment / fetch / submit / collect -> submissions written by this test ->
seqlab nbgrade-autograde (and the stock `nbgrader autograde`) -> a manual score -> generate_feedback ->
release_feedback / fetch_feedback -> export.

Every nbgrader command runs with PATH=/usr/bin:/bin (no venv on it): nbgrader_config.py must make alembic
findable by itself. The repository's own gradebook.db is never touched.
"""

from __future__ import annotations

import copy
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seqlab.grading import registry

pytest.importorskip("nbgrader")
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "rnn_to_attention"
NB = f"{ASSIGNMENT}.ipynb"
BIN = Path(sys.executable).parent
TIMEOUT = 4  # wall-clock seconds per exercise (SEQLAB_NB_TIMEOUT): what bounds the infinite loop
EXERCISES = tuple(registry.EXERCISES)

NAIVE_SOFTMAX = '''def softmax(x, axis=-1):
    """exp without subtracting the maximum: overflows for logits of magnitude 1e4."""
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)'''

LOOPING_GRU = '''class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        while True:  # never returns: bounded by the grader's timeout
            pass'''

INPUT_TRANSFORMER = '''# Wraps every later cell in try/except: in a kernel, no test cell can fail any more.
def _swallow(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]


get_ipython().input_transformers_post.append(_swallow)'''


def run(course: Path, *argv, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SEQLAB_SECRET_FILE"}
    env.update(PATH="/usr/bin:/bin", SEQLAB_NB_TIMEOUT=str(TIMEOUT))
    done = subprocess.run([str(a) for a in argv], cwd=cwd or course, env=env, capture_output=True, text=True,
                          timeout=timeout)
    return done


def nbgrader(course: Path, *argv, cwd: Path | None = None) -> subprocess.CompletedProcess:
    done = run(course, BIN / "nbgrader", *argv, cwd=cwd)
    command = " ".join(map(str, argv))
    assert done.returncode == 0, f"nbgrader {command} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done


def gid(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def submission(release: dict, code: dict[str, str], free: str | None = None) -> dict:
    """The released notebook with some answer cells filled in (by grade_id), and the written answers."""
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and gid(cell) in code:
            cell["source"] = code[gid(cell)]
        elif meta.get("solution") and cell["cell_type"] == "markdown" and free is not None:
            cell["source"] = free
    return nb


def submit(course: Path, student: str, content: dict | str) -> None:
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    (folder / NB).write_text(content if isinstance(content, str) else json.dumps(content, indent=1))
    (folder / "timestamp.txt").write_text("2026-11-25 12:00:00.000000 UTC")


def visible_text(page: str) -> str:
    """An HTML page's text (tags removed, entities decoded, whitespace collapsed)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def solution_lines() -> set[str]:
    """The distinctive lines inside the answer key's marked regions."""
    lines = set()
    for name in EXERCISES:
        inside = False
        for line in (REPO / "solutions" / f"{name}.py").read_text().splitlines():
            if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
                inside = "BEGIN" in line
            elif inside and len(line.strip()) > 30:
                lines.add(re.sub(r"\s+", " ", line.strip()))
    return lines


def py_folder(tmp: Path, name: str, replace: dict[str, str]) -> Path:
    """solutions/*.py with some modules replaced: the .py equivalent of a notebook submission."""
    folder = tmp / name
    folder.mkdir()
    for exercise in EXERCISES:
        default = (REPO / "solutions" / f"{exercise}.py").read_text()
        (folder / f"{exercise}.py").write_text(replace.get(exercise) or default)
    return folder


def student_exchange(course: Path, home: Path, *steps: str) -> None:
    """What a student's `nbgrader fetch_assignment`, `submit`, `fetch_feedback` do (here: no CLI start-up)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeFetchFeedback, ExchangeSubmit
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.update(course_id="seqlab", assignment_id=ASSIGNMENT, root=str(home))
    config.Exchange.update(root=str(course / "exchange"), assignment_dir=str(home))
    coursedir, authenticator = CourseDirectory(config=config), Authenticator(config=config)
    kinds = {"fetch_assignment": ExchangeFetchAssignment, "submit": ExchangeSubmit,
             "fetch_feedback": ExchangeFetchFeedback}
    for step in steps:
        kinds[step](coursedir=coursedir, authenticator=authenticator, config=config).start()


def fetch_and_submit(course: Path, home: Path) -> None:
    student_exchange(course, home, "fetch_assignment")
    assert (home / ASSIGNMENT / NB).is_file()
    student_exchange(course, home, "submit")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ASSIGNMENT)
    for name in ("seqlab", "reference", "solutions", "exercises"):
        shutil.copytree(REPO / name, root / name,
                        ignore=ignore if name == "exercises" else shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(REPO / "nbgrader_config.py", root)
    from seqlab.grading.seeds import load_secret

    load_secret(root / ".seqlab" / "secret", create=True)
    return root


@pytest.fixture(scope="module")
def graded(course: Path, tmp_path_factory) -> dict:
    """Runs the whole course once; the tests below read what it left."""
    from nbgrader.utils import get_username

    repo_db = REPO / "gradebook.db"
    repo_db_before = repo_db.stat().st_mtime if repo_db.exists() else None
    timings = {}

    start = time.perf_counter()
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    timings["generate_assignment"] = time.perf_counter() - start
    release = json.loads((course / "exercises" / ASSIGNMENT / NB).read_text())
    source = json.loads((course / "solutions" / ASSIGNMENT / NB).read_text())

    # The exchange, as documented: release, a student fetches and submits, collect.
    start = time.perf_counter()
    nbgrader(course, "release_assignment", ASSIGNMENT, "--force")
    home = tmp_path_factory.mktemp("student-home")
    fetch_and_submit(course, home)
    nbgrader(course, "collect", ASSIGNMENT)
    timings["exchange"] = time.perf_counter() - start

    key = {gid(c): text(c) for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("solution")
           and c["cell_type"] == "code"}
    stub = {gid(c): text(c) for c in release["cells"] if gid(c) in key}
    softmax_id = next(g for g in key if g.startswith("attention-") and g.endswith("-softmax"))
    gru_id = next(g for g in key if g.startswith("gru-") and g.endswith("-GRUCell"))
    partial_code = {**key, gru_id: stub[gru_id], softmax_id: NAIVE_SOFTMAX}
    free = "My own answer, in my own words."
    submit(course, "key", submission(release, key, free))
    submit(course, "untouched", release)
    submit(course, "partial", submission(release, partial_code, free))
    edited = submission(release, partial_code)
    for cell in edited["cells"]:
        if gid(cell) and gid(cell).endswith("-tests"):
            cell["source"] = "pass  # the tests are gone"
            cell["metadata"]["nbgrader"].update(locked=False, points=100)
        elif gid(cell) == "gradient_clipping-1-provided":
            cell["source"] = "import numpy as np\nnp.abs = lambda x: 0 * x  # every norm becomes 0"
    edited["cells"] = [c for c in edited["cells"] if gid(c) != "gru-tests"]
    submit(course, "edited_tests", edited)
    submit(course, "infinite_loop", submission(release, {**key, gru_id: LOOPING_GRU}))
    submit(course, "invalid", "{ this is not a notebook")
    neutered = submission(release, {})
    neutered["cells"].insert(1, {"cell_type": "code", "execution_count": None, "id": "trick", "metadata": {},
                                 "outputs": [], "source": INPUT_TRANSFORMER})
    submit(course, "transformer", neutered)

    start = time.perf_counter()
    autograde = run(course, sys.executable, "-m", "seqlab", "nbgrade-autograde", ASSIGNMENT)
    timings["nbgrade-autograde"] = time.perf_counter() - start
    start = time.perf_counter()
    stock = run(course, BIN / "nbgrader", "autograde", ASSIGNMENT, "--student", "key", "--force")
    timings["nbgrader autograde (one student)"] = time.perf_counter() - start

    manual_list = run(course, sys.executable, "-m", "seqlab", "nbgrade-manual", ASSIGNMENT)
    manual_set = run(course, sys.executable, "-m", "seqlab", "nbgrade-manual", ASSIGNMENT, "--student", "key",
                     "--cell", "gru-answer", "--score", "4", "--comment", "Good, but no parameter counts.")
    start = time.perf_counter()
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    timings["generate_feedback"] = time.perf_counter() - start
    nbgrader(course, "release_feedback", ASSIGNMENT, "--student", get_username())  # the one who used the exchange
    student_exchange(course, home, "fetch_feedback")
    nbgrader(course, "export")

    # The same code as .py files, graded by the kit directly: what each notebook must score.
    from seqlab.grading.grader import grade
    from seqlab.grading.oracle import ReferenceOracle
    from seqlab.grading.sandbox import Limits
    from seqlab.grading.seeds import load_secret, official

    secret = load_secret(course / ".seqlab" / "secret")
    tmp = tmp_path_factory.mktemp("py")
    stubs = {e: (REPO / "exercises" / f"{e}.py").read_text() for e in EXERCISES}
    naive = re.sub(r"def softmax\(x, axis=-1\):.*?### END SOLUTION\n", NAIVE_SOFTMAX + "\n",
                   (REPO / "solutions" / "attention.py").read_text(), flags=re.S)
    looping = "import numpy as np\n\n\n" + LOOPING_GRU + "\n"
    folders = {
        "key": py_folder(tmp, "key", {}),
        "untouched": py_folder(tmp, "untouched", stubs),
        "partial": py_folder(tmp, "partial", {"gru": stubs["gru"], "attention": naive}),
        "edited_tests": py_folder(tmp, "edited_tests", {"gru": stubs["gru"], "attention": naive}),
        "infinite_loop": py_folder(tmp, "infinite_loop", {"gru": looping}),
        "transformer": py_folder(tmp, "transformer", stubs),
    }
    expected = {student: grade(folder, ReferenceOracle(), official(secret, student), Limits(wall_seconds=TIMEOUT))
                for student, folder in folders.items()}

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            scores[sub.student.id] = {g.cell.name: g.score for nb in sub.notebooks for g in nb.grades}
    with open(course / "grades.csv", newline="") as handle:
        export = {row["student_id"]: row for row in csv.DictReader(handle)}
    result = dict(course=course, home=home, autograde=autograde, stock=stock, manual_list=manual_list,
                  manual_set=manual_set,
                  scores=scores, expected=expected, export=export, timings=timings,
                  repo_db_untouched=(repo_db.stat().st_mtime if repo_db.exists() else None) == repo_db_before)
    print(json.dumps({"timings": timings, "scores": {s: sum(v.values()) for s, v in scores.items()},
                      "autograde": autograde.stdout}, indent=1))
    return result


def test_generate_assignment_matches_the_committed_student_notebook(course, graded):
    from seqlab.course.nbgrade.build import normalized

    produced = (course / "exercises" / ASSIGNMENT)
    assert sorted(p.name for p in produced.iterdir()) == [NB], "a release holds the notebook and nothing else"
    committed = (REPO / "exercises" / ASSIGNMENT / NB).read_text()
    assert normalized(committed) == normalized((produced / NB).read_text()), "run `python -m seqlab notebooks`"
    assert graded["repo_db_untouched"], "the test wrote into the repository's gradebook.db"


def test_the_exchange_round_trip(course, graded):
    from nbgrader.utils import get_username

    folder = course / "submitted" / get_username() / ASSIGNMENT
    assert sorted(p.name for p in folder.iterdir()) == sorted([NB, "submission_secret.txt", "timestamp.txt"])
    assert sum(graded["scores"][get_username()].values()) == 0  # the release as fetched: stubs only
    fetched = list((graded["home"] / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(fetched) == 1 and "graded by seqlab" in fetched[0].read_text()  # release_feedback, fetch_feedback


def test_autograde_scores_equal_the_kits_scores_of_the_same_code(graded):
    for student, report in graded["expected"].items():
        for exercise in EXERCISES:
            got = graded["scores"][student][f"{exercise}-tests"]
            assert got == report.exercises[exercise].score, (student, exercise, got, report.render())
    auto = {s: sum(v for k, v in graded["scores"][s].items() if k.endswith("-tests")) for s in graded["expected"]}
    assert auto["key"] == 100
    assert auto["untouched"] == 0
    assert 0 < auto["partial"] < 100
    assert auto["edited_tests"] == auto["partial"]  # test cells restored, the edited read-only cell ignored
    assert auto["infinite_loop"] == 75  # the loop costs its exercise only
    assert auto["transformer"] == 0  # the in-kernel trick has no kernel to act on


def test_autograde_reports_the_invalid_notebook_and_grades_the_others(graded):
    done = graded["autograde"]
    assert done.returncode == 1
    assert re.search(r"invalid: not graded: .*invalid/rnn_to_attention/rnn_to_attention\.ipynb: not a valid notebook",
                     done.stderr), done.stderr
    assert "invalid" not in graded["scores"]
    for student in graded["expected"]:
        assert re.search(rf"^{student}\s", done.stdout, flags=re.M), done.stdout
    infinite = re.search(r"^infinite_loop\s.*?([0-9.]+)\s*$", done.stdout, flags=re.M)
    assert infinite and float(infinite[1]) < TIMEOUT + 30, "the infinite loop was not bounded by the timeout"


def test_stock_nbgrader_autograde_grades_with_seqlab_without_executing(graded):
    done = graded["stock"]
    assert done.returncode == 0, done.stderr[-3000:]
    log = done.stdout + done.stderr
    assert "seqlab graded key/rnn_to_attention/rnn_to_attention without executing it" in log
    assert "Executing notebook" not in log
    assert sum(v for k, v in graded["scores"]["key"].items() if k.endswith("-tests")) == 100


def test_free_responses_are_graded_by_hand(graded):
    listing = graded["manual_list"]
    assert listing.returncode == 0, listing.stderr
    assert "gru-answer" in listing.stdout and "Model answer" in listing.stdout and "awaiting a score" in listing.stdout
    assert graded["manual_set"].returncode == 0, graded["manual_set"].stderr
    assert graded["scores"]["key"]["gru-answer"] == 4
    assert graded["scores"]["untouched"]["gru-answer"] == 0  # "YOUR ANSWER HERE" left as is: no response


def test_feedback_holds_no_hidden_test_no_answer_key_and_no_rubric(course, graded):
    answers = solution_lines()
    pages = sorted((course / "feedback").glob(f"*/{ASSIGNMENT}/*.html"))
    assert {p.parts[-3] for p in pages} == set(graded["scores"])
    for page in pages:
        shown = visible_text(page.read_text())
        assert "graded by seqlab" in shown
        for secret in ("HIDDEN TESTS", 'inputs = "official"', "Model answer", "Rubric"):
            assert secret not in shown, (page, secret)
        if page.parts[-3] not in ("key", "partial", "edited_tests", "infinite_loop"):  # no key code submitted
            leaked = [line for line in answers if line in shown]
            assert not leaked, (page, leaked[:3])
    for notebook in (course / "autograded").glob(f"*/{ASSIGNMENT}/{NB}"):
        assert "HIDDEN TESTS" not in notebook.read_text()


def test_export_holds_the_gradebook_scores(graded):
    export = graded["export"]
    for student, grades in graded["scores"].items():
        assert float(export[student]["raw_score"]) == pytest.approx(sum(grades.values()))
        assert float(export[student]["max_score"]) == 120
    assert float(export["key"]["raw_score"]) == 104  # 100 autograded + 4 by hand
    assert float(export["invalid"]["raw_score"]) == 0 and export["invalid"]["timestamp"] == ""
