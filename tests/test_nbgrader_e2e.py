"""The nbgrader course end to end, headless, with real nbgrader, on a scratch copy of the course, for a class of
students who do to their notebooks what students do (one course setup, shared by every test below):

generate_assignment -> release_assignment -> each student fetches, edits and submits through the exchange (one
hands the work in by hand) -> collect -> seqlab nbgrade-autograde -> two students resubmit -> collect --update
-> seqlab nbgrade-autograde for them -> the stock `nbgrader autograde` for one -> manual grading ->
generate_feedback -> release_feedback -> every student's fetch_feedback -> export.

Every student's expected score is the score of the same code as .py files, graded by the kit directly on that
student's official inputs (what `seqlab grade --official --student ID` does). The documented commands run as
commands, with PATH=/usr/bin:/bin (no venv on it: nbgrader_config.py must make alembic findable by itself); the
second collect, the second autograde and manual grading run the same code in this process, which spares their
interpreter start-up. The repository's own gradebook.db is never touched.
"""

from __future__ import annotations

import copy
import csv
import html
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from seqlab.grading import registry

pytest.importorskip("nbgrader")
# One fixture runs the whole course; on 2 cores shared with other work (load 9 to 16) it took 221 to 300 s
# (docs/nbgrader.md), so the limit is above the suite's default 300 s.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "rnn_to_attention"
NB = f"{ASSIGNMENT}.ipynb"
BIN = Path(sys.executable).parent
TIMEOUT = 4  # wall-clock seconds per exercise (SEQLAB_NB_TIMEOUT): what bounds the infinite loop
EXERCISES = tuple(registry.EXERCISES)
FREE = "My own answer, in my own words."

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

HELPER = "def _sigmoid(x):\n    return 1 / (1 + np.exp(-x))"


def run(course: Path, *argv, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SEQLAB_SECRET_FILE"}
    env.update(PATH="/usr/bin:/bin", SEQLAB_NB_TIMEOUT=str(TIMEOUT))
    return subprocess.run([str(a) for a in argv], cwd=cwd or course, env=env, capture_output=True, text=True,
                          timeout=timeout)


def nbgrader(course: Path, *argv) -> subprocess.CompletedProcess:
    done = run(course, BIN / "nbgrader", *argv)
    command = " ".join(map(str, argv))
    assert done.returncode == 0, f"nbgrader {command} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done


def seqlab(course: Path, *argv) -> subprocess.CompletedProcess:
    return run(course, sys.executable, "-m", "seqlab", *argv)


def collect_update(course: Path) -> dict:
    """`nbgrader collect --update` through nbgrader's API, with the course's configuration."""
    from nbgrader.apps import NbGraderAPI

    from seqlab.course.nbgrade.config import course_config

    return NbGraderAPI(config=course_config(course)).collect(ASSIGNMENT, update=True)


def in_process(course: Path, *argv) -> subprocess.CompletedProcess:
    """A seqlab command run in this process (no interpreter start-up), as if run in the course root."""
    import contextlib
    import io

    from seqlab.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*argv, "--course", str(course)])
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def gid(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def index(nb: dict, grade_id: str) -> int:
    return next(i for i, cell in enumerate(nb["cells"]) if gid(cell) == grade_id)


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


# ---------------------------------------------------------------------------------------------------------------
# The class
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Student:
    """What one student hands in, and what the same code is as .py files."""
    answers: dict[str, str]  # grade_id -> the code graded in each answer cell (what the .py files hold)
    notebook: dict | str  # what is submitted (a notebook, or a file that is not one)
    route: str = "exchange"  # "exchange", or "hand": put into submitted/ by the instructor
    file: str = NB
    repairs: set[str] = field(default_factory=set)  # the kinds of repairs the feedback must list
    graded: bool = True  # False: not gradable (not a notebook): 0 everywhere, said so


class Class:
    """The released notebook, the answer key, and the students built from them."""

    def __init__(self, release: dict, source: dict):
        self.release = release
        self.key = {gid(c): text(c) for c in source["cells"]
                    if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"}
        self.stub = {g: text(c) for c in release["cells"] if (g := gid(c)) in self.key}
        self.gru = next(g for g in self.key if g.startswith("gru-") and g.endswith("-GRUCell"))
        self.softmax = next(g for g in self.key if g.startswith("attention-") and g.endswith("-softmax"))
        self.clip_value = next(g for g in self.key if g.endswith("-clip_grad_value"))
        self.partial = {**self.key, self.gru: self.stub[self.gru], self.softmax: NAIVE_SOFTMAX}

    def notebook(self, answers: dict[str, str], free: str | None = FREE) -> dict:
        """The released notebook with `answers` in its answer cells and `free` in the written answers."""
        nb = copy.deepcopy(self.release)
        for cell in nb["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution") and gid(cell) in answers:
                cell["source"] = answers[gid(cell)]
            elif meta.get("solution") and cell["cell_type"] == "markdown" and free is not None:
                cell["source"] = free
        return nb

    def students(self) -> dict[str, Student]:
        """The class: each student does one kind of thing to the notebook (several instances of it at once)."""
        key, partial, stub = self.key, self.partial, self.stub
        s = {"key": Student(key, self.notebook(key)),
             "partial": Student(partial, self.notebook(partial), route="hand")}

        # Every edit nbgrader's sanitizing rejects a submission for, each on another cell, with the key's code.
        nb = self.notebook(key)
        cells = {gid(c): c for c in nb["cells"] if gid(c)}
        cells["gru-tests"]["metadata"]["nbgrader"]["grade"] = False
        cells["attention-tests"]["metadata"]["nbgrader"]["grade_id"] = "attention-tests-mine"
        cells["gru-1-provided"]["metadata"]["nbgrader"]["solution"] = True
        cells["gru-1-provided"]["source"] = "import numpy as np\n\n\ndef sigmoid(x):\n    return 0.5 + 0 * x"
        cells["gradient_clipping-2-clip_grad_norm"]["metadata"]["nbgrader"].update(grade=True, points=25)
        cells["bidirectional_rnn-tests"]["source"] = "pass  # the tests are gone"
        cells["bidirectional_rnn-tests"]["metadata"]["nbgrader"].update(locked=False, points=100)
        cells["gradient_clipping-1-provided"]["source"] = "import numpy as np\nnp.abs = lambda x: 0 * x"
        nb["cells"].remove(cells["gradient_clipping-tests"])
        s["edited_cells"] = Student(key, nb, repairs={"metadata_restored", "renamed_restored", "source_restored",
                                                      "deleted_restored"})

        # Copies: the GRU's original is the stub and its copy the answer; the softmax's original is the naive one,
        # run after its (correct) copy, so the copy run last is graded; a test cell pasted into another exercise.
        nb = self.notebook({**key, self.gru: stub[self.gru], self.softmax: NAIVE_SOFTMAX})
        gru_copy = copy.deepcopy(nb["cells"][index(nb, self.gru)])
        gru_copy.update(id="gru-copy", source=key[self.gru], execution_count=5)
        nb["cells"].insert(index(nb, self.gru) + 1, gru_copy)
        soft = nb["cells"][index(nb, self.softmax)]
        soft_copy = copy.deepcopy(soft)
        soft_copy.update(id="softmax-copy", source=key[self.softmax], execution_count=4)
        soft["execution_count"] = 9
        nb["cells"].insert(index(nb, self.softmax) + 1, soft_copy)
        pasted = copy.deepcopy(nb["cells"][index(nb, "gru-tests")])
        pasted["id"] = "pasted-test"
        nb["cells"].insert(index(nb, "attention-1-provided") + 1, pasted)
        s["copies"] = Student({**key, self.softmax: NAIVE_SOFTMAX}, nb, repairs={"duplicate_answer", "copy_unmarked"})

        # A forged 100-point cell and a kernel trick, beside the stubs.
        nb = self.notebook({}, free=None)
        nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "bonus", "outputs": [],
                            "source": "pass  # worth 100 points, says its metadata",
                            "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "locked": True,
                                                      "points": 100, "schema_version": 3, "solution": False,
                                                      "task": False}}})
        nb["cells"].insert(1, {"cell_type": "code", "execution_count": None, "id": "trick", "metadata": {},
                               "outputs": [], "source": INPUT_TRANSFORMER})
        s["tricks"] = Student(stub, nb, repairs={"foreign_unmarked"})

        # A deleted answer cell (the softmax) and a helper in a cell of the student's own (used by the GRU).
        helped = key[self.gru].replace("r = sigmoid(", "r = _sigmoid(").replace("z = sigmoid(", "z = _sigmoid(")
        nb = self.notebook({**key, self.gru: helped})
        del nb["cells"][index(nb, self.softmax)]
        nb["cells"].insert(index(nb, self.gru), {"cell_type": "code", "execution_count": 3, "id": "helper",
                                                 "metadata": {}, "outputs": [], "source": HELPER})
        s["deleted_and_added"] = Student({**key, self.gru: helped, self.softmax: stub[self.softmax]}, nb,
                                         repairs={"deleted_answer_restored"})

        # IPython in answer cells (a cell magic, a line magic) and an infinite loop.
        odd = {**key, self.softmax: "%%capture\n" + key[self.softmax], self.gru: LOOPING_GRU,
               self.clip_value: key[self.clip_value] + "\n\n%time clip_grad_value({}, 1.0)"}
        s["magics_and_loop"] = Student(odd, self.notebook(odd))

        s["renamed_file"] = Student(key, self.notebook(key), file=f"{ASSIGNMENT} (1).ipynb", repairs={"renamed_file"})
        s["no_timestamp"] = Student(key, self.notebook(key))  # its timestamp.txt is lost after collect
        s["resubmit_broken"] = Student({}, "{ resubmitted: truncated", graded=False, repairs={"not_a_notebook"})
        nb = self.notebook(partial)
        gru_copy = copy.deepcopy(nb["cells"][index(nb, self.gru)])
        gru_copy["id"] = "gru-copy"
        nb["cells"].insert(index(nb, self.gru) + 1, gru_copy)
        s["resubmit_copy"] = Student(partial, nb, repairs={"duplicate_answer"})
        return s

    def py_modules(self, answers: dict[str, str]) -> dict[str, str]:
        """exercise -> the .py file the same answers make: solutions/<exercise>.py with each answer cell's code
        in place of the key's (which the answer key's file holds verbatim)."""
        modules = {}
        for exercise in EXERCISES:
            module = (REPO / "solutions" / f"{exercise}.py").read_text()
            for grade_id, key_source in self.key.items():
                if grade_id.startswith(f"{exercise}-") and answers.get(grade_id, key_source) != key_source:
                    assert module.count(key_source) == 1, grade_id
                    module = module.replace(key_source, answers[grade_id])
            modules[exercise] = module
        return modules


FIRST_ROUND = {"resubmit_broken": "key", "resubmit_copy": "key"}  # what the resubmitters handed in first


def student_exchange(course: Path, home: Path, student: str, *steps: str) -> None:
    """What a student's `nbgrader fetch_assignment`, `submit`, `fetch_feedback` do (here: no CLI start-up)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeFetchFeedback, ExchangeSubmit
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.update(course_id="seqlab", assignment_id=ASSIGNMENT, root=str(home), student_id=student)
    config.Exchange.update(root=str(course / "exchange"), assignment_dir=str(home), cache=str(home / ".cache"))
    coursedir, authenticator = CourseDirectory(config=config), Authenticator(config=config)
    kinds = {"fetch_assignment": ExchangeFetchAssignment, "submit": ExchangeSubmit,
             "fetch_feedback": ExchangeFetchFeedback}
    for step in steps:
        kinds[step](coursedir=coursedir, authenticator=authenticator, config=config).start()


def hand_in(home: Path, student: Student) -> None:
    """The student's working copy: the fetched notebook replaced by what they hand in."""
    folder = home / ASSIGNMENT
    (folder / NB).unlink()
    content = student.notebook
    (folder / student.file).write_text(content if isinstance(content, str) else json.dumps(content, indent=1))


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


def grade_as_py_files(course: Path, klass: Class, students: dict[str, Student], tmp: Path, timings: dict) -> dict:
    """The same code as .py files, graded by the kit directly on each student's official inputs."""
    from seqlab.grading.grader import grade
    from seqlab.grading.oracle import ReferenceOracle
    from seqlab.grading.sandbox import Limits
    from seqlab.grading.seeds import load_secret, official

    secret = load_secret(course / ".seqlab" / "secret")
    expected = {}
    start = time.perf_counter()
    for name, student in students.items():
        if not student.graded:
            continue
        folder = tmp / name
        folder.mkdir()
        for exercise, module in klass.py_modules(student.answers).items():
            (folder / f"{exercise}.py").write_text(module)
        expected[name] = grade(folder, ReferenceOracle(), official(secret, name), Limits(wall_seconds=TIMEOUT))
    timings["the same code as .py files, graded directly (meanwhile)"] = round(time.perf_counter() - start, 2)
    return expected


def gradebook_scores(course: Path) -> tuple[dict, dict, dict]:
    """({student: {cell: score}}, {student: timestamp}, {grade cell: max score}) from the course's gradebook."""
    from nbgrader.api import Gradebook

    scores, timestamps = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            scores[sub.student.id] = {g.cell.name: g.score for nb in sub.notebooks for g in nb.grades}
            timestamps[sub.student.id] = sub.timestamp
        max_scores = {cell.name: cell.max_score for cell in gb.find_notebook(Path(NB).stem, ASSIGNMENT).grade_cells}
    return scores, timestamps, max_scores


@pytest.fixture(scope="module")
def graded(course: Path, tmp_path_factory) -> dict:
    """Runs the whole course once; the tests below read what it left."""
    repo_db = REPO / "gradebook.db"
    repo_db_before = repo_db.stat().st_mtime if repo_db.exists() else None
    timings, load = {}, {"before": os.getloadavg()}

    def timed(step, function, *args):
        start = time.perf_counter()
        result = function(*args)
        timings[step] = round(time.perf_counter() - start, 2)
        return result

    # The committed notebooks (the first test checks that generate_assignment makes the same release): the class
    # is known before nbgrader starts, and the kit grades its .py files meanwhile, on a thread of its own.
    release = json.loads((REPO / "exercises" / ASSIGNMENT / NB).read_text())
    source = json.loads((REPO / "solutions" / ASSIGNMENT / NB).read_text())
    klass = Class(release, source)
    students = klass.students()
    pool = ThreadPoolExecutor(max_workers=1)
    expected_future = pool.submit(grade_as_py_files, course, klass, students, tmp_path_factory.mktemp("py"), timings)
    timed("generate_assignment", nbgrader, course, "generate_assignment", ASSIGNMENT, "--force")
    released = timed("release_assignment", nbgrader, course, "release_assignment", ASSIGNMENT, "--force")

    homes = {name: tmp_path_factory.mktemp(f"home-{name}") for name in students}
    start = time.perf_counter()
    for name, student in students.items():
        first = students[FIRST_ROUND[name]] if name in FIRST_ROUND else student
        if student.route == "exchange":
            student_exchange(course, homes[name], name, "fetch_assignment")
            hand_in(homes[name], first)
            student_exchange(course, homes[name], name, "submit")
        else:
            folder = course / "submitted" / name / ASSIGNMENT
            folder.mkdir(parents=True)
            (folder / student.file).write_text(json.dumps(student.notebook, indent=1))
            (folder / "timestamp.txt").write_text("2026-11-25 12:00:00.000000 UTC")
    timings["fetch and submit (in process)"] = round(time.perf_counter() - start, 2)
    lost = course / "submitted" / "no_timestamp" / ASSIGNMENT / "timestamp.txt"
    timed("collect", nbgrader, course, "collect", ASSIGNMENT)
    lost.unlink()  # lost on the way (a copy that kept only the notebook and the secret)
    autograde = timed("nbgrade-autograde (whole class)", seqlab, course, "nbgrade-autograde", ASSIGNMENT)
    first_round = gradebook_scores(course)

    for name in FIRST_ROUND:  # the resubmissions
        hand_in(homes[name], students[name])
        student_exchange(course, homes[name], name, "submit")
    # From here on the course's commands run in this process where that is the same code (no interpreter start-up,
    # which costs a few CPU-seconds each): nbgrader's API for `collect --update`, seqlab's own commands.
    collected = timed("collect --update (API)", collect_update, course)
    assert collected["success"], collected.get("error") or collected.get("log")
    lost.unlink()  # collect --update copied it again (a submission without one counts as older)
    regrade = timed("nbgrade-autograde (resubmissions, in process)", in_process, course, "nbgrade-autograde",
                    ASSIGNMENT, "--secret-file", str(course / ".seqlab" / "secret"), "--timeout", str(TIMEOUT),
                    *[arg for name in FIRST_ROUND for arg in ("--student", name)])
    stock = timed("nbgrader autograde (one student)", run, course, BIN / "nbgrader", "autograde", ASSIGNMENT,
                  "--student", "edited_cells", "--force")

    manual_list = in_process(course, "nbgrade-manual", ASSIGNMENT)
    manual_set = in_process(course, "nbgrade-manual", ASSIGNMENT, "--student", "key", "--cell", "gru-answer",
                            "--score", "4", "--comment", "Good, but no parameter counts.")
    manual_forged = in_process(course, "nbgrade-manual", ASSIGNMENT, "--student", "tricks", "--cell", "bonus",
                               "--score", "100")
    timed("generate_feedback", nbgrader, course, "generate_feedback", ASSIGNMENT, "--force")
    feedback_release = timed("release_feedback", nbgrader, course, "release_feedback", ASSIGNMENT)
    for name, student in students.items():
        if student.route == "exchange":
            student_exchange(course, homes[name], name, "fetch_feedback")
    timed("export", nbgrader, course, "export")

    expected = expected_future.result()
    pool.shutdown()
    load["after"] = os.getloadavg()

    scores, timestamps, max_scores = gradebook_scores(course)

    def read_csv(path: Path) -> dict:
        with open(path, newline="") as handle:
            return {row["student_id"]: row for row in csv.DictReader(handle)}

    result = dict(course=course, homes=homes, students=students, klass=klass, released=released,
                  autograde=autograde, regrade=regrade, stock=stock, manual_list=manual_list, manual_set=manual_set,
                  manual_forged=manual_forged, feedback_release=feedback_release, scores=scores,
                  max_scores=max_scores, expected=expected, export=read_csv(course / "grades.csv"),
                  first_round=first_round, timestamps=timestamps, timings=timings, load=load,
                  repo_db_untouched=(repo_db.stat().st_mtime if repo_db.exists() else None) == repo_db_before)
    print(json.dumps({"timings": timings, "load average": load, "students": len(students),
                      "scores": {s: sum(v.values()) for s, v in scores.items()}}, indent=1))
    print(autograde.stdout)
    print("warnings of the stock autograde:", [line for line in (stock.stdout + stock.stderr).splitlines()
                                               if "WARNING" in line])
    return result


def autograded_points(graded: dict, student: str) -> dict[str, float]:
    return {e: graded["scores"][student][f"{e}-tests"] for e in EXERCISES}


def feedback_page(graded: dict, student: str) -> str:
    return visible_text((graded["course"] / "feedback" / student / ASSIGNMENT / NB.replace(".ipynb", ".html"))
                        .read_text())


def record(graded: dict, student: str) -> dict:
    return json.loads((graded["course"] / "autograded" / student / ASSIGNMENT / f"{Path(NB).stem}.seqlab.json")
                      .read_text())


# ---------------------------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------------------------


def test_generate_assignment_matches_the_committed_student_notebook(course, graded):
    from seqlab.course.nbgrade.build import normalized

    produced = course / "exercises" / ASSIGNMENT
    assert sorted(p.name for p in produced.iterdir()) == [NB], "a release holds the notebook and nothing else"
    committed = (REPO / "exercises" / ASSIGNMENT / NB).read_text()
    assert normalized(committed) == normalized((produced / NB).read_text()), "run `python -m seqlab notebooks`"
    assert graded["repo_db_untouched"], "the test wrote into the repository's gradebook.db"


def test_the_exchange_has_nbgraders_permissions_and_release_warns_about_nothing(course, graded):
    log = graded["released"].stdout + graded["released"].stderr
    assert "Permissions for exchange directory" not in log and "Creating exchange directory" not in log, log
    assert stat.S_IMODE((course / "exchange").stat().st_mode) == 0o1777  # nbgrader's 777, and sticky
    assert stat.S_IMODE((course / "exchange" / "seqlab" / "inbound").stat().st_mode) == 0o2733  # nbgrader's own


def test_every_submission_scores_what_its_code_scores_as_py_files(graded):
    for student, report in graded["expected"].items():
        got = autograded_points(graded, student)
        want = {e: report.exercises[e].score for e in EXERCISES}
        assert got == want, (student, got, report.render())
    auto = {s: sum(autograded_points(graded, s).values()) for s in graded["scores"]}
    assert auto["key"] == auto["edited_cells"] == auto["renamed_file"] == auto["no_timestamp"] == 100
    assert auto["tricks"] == 0
    assert 0 < auto["partial"] == auto["resubmit_copy"] < 100
    assert auto["deleted_and_added"] < 75 and autograded_points(graded, "deleted_and_added")["gru"] == 0
    assert autograded_points(graded, "magics_and_loop") == {"gradient_clipping": 0, "bidirectional_rnn": 25, "gru": 0,
                                                            "attention": 0}


def test_the_graded_copy_of_a_duplicated_answer_is_the_last_edited_one(graded):
    points = autograded_points(graded, "copies")
    assert points["gru"] == 25  # the copy holding the answer, not the original stub
    assert points["attention"] < 25  # the naive original, run after its correct copy
    repairs = [r["message"] for r in record(graded, "copies")["repairs"] if r["kind"] == "duplicate_answer"]
    assert any("'gru-2-GRUCell' appears 2 times: graded the only copy that is not the stub, the 2nd from the top"
               in m for m in repairs), repairs
    assert any("'attention-3-softmax' appears 2 times: graded the copy run last, the 1st from the top" in m
               for m in repairs), repairs


def test_a_forged_cell_adds_no_points_anywhere(graded):
    assert "bonus" not in graded["max_scores"] and sum(graded["max_scores"].values()) == 120
    assert "bonus" not in graded["scores"]["tricks"]
    assert float(graded["export"]["tricks"]["max_score"]) == 120
    done = graded["manual_forged"]
    assert done.returncode == 2 and "no graded cell 'bonus'" in done.stderr


def test_every_student_gets_feedback_that_lists_their_repairs(graded):
    for name, student in graded["students"].items():
        page = feedback_page(graded, name)
        kinds = {r["kind"] for r in record(graded, name)["repairs"]}
        assert student.repairs == kinds, (name, kinds)
        for repair in record(graded, name)["repairs"]:
            assert re.sub(r"\s+", " ", repair["message"]) in page, (name, repair["message"])
    assert len(record(graded, "edited_cells")["repairs"]) == 7  # one per edited cell
    page = feedback_page(graded, "deleted_and_added")
    assert "answer cell 'attention-3-softmax' was deleted: restored as the released stub" in page
    assert "raise NotImplementedError()" in page  # the restored stub is in the notebook the student reads
    assert "cells you added are not graded: the cell \"def _sigmoid(x):\"" in page
    assert "pass # worth 100 points" in feedback_page(graded, "tricks")  # kept, visible, not graded


def test_messages_speak_of_cells_and_lines_never_of_generated_files(graded):
    page = feedback_page(graded, "magics_and_loop")
    assert ("answer cells are graded as plain Python: remove `%%capture` (cell 'attention-3-softmax', line 1)"
            in page), page[:3000]
    line = len(graded["klass"].key[graded["klass"].clip_value].splitlines()) + 2
    assert f"remove `%time` (cell 'gradient_clipping-3-clip_grad_value', line {line})" in page
    helper = feedback_page(graded, "deleted_and_added")
    assert ("NameError: name '_sigmoid' is not defined (cell 'gru-2-GRUCell'" in helper
            and "`_sigmoid` is defined in the cell \"def _sigmoid(x):\", a cell you added" in helper), helper[:3000]
    for name in graded["students"]:
        page = feedback_page(graded, name)
        assert not re.search(r"\b\w+\.py, line \d+|/tmp/|seqlab-[a-z0-9_]{8}", page), name


def test_stock_nbgrader_autograde_repairs_and_grades_without_warnings_on_untouched_cells(graded):
    done = graded["stock"]
    assert done.returncode == 0, done.stderr[-3000:]
    log = done.stdout + done.stderr
    assert "seqlab graded edited_cells/rnn_to_attention/rnn_to_attention without executing it" in log
    assert "Executing notebook" not in log
    assert "has changed" not in log and "Inconsistent" not in log and "does not exist in the database" not in log
    assert log.count("seqlab repaired edited_cells") == 1  # the repairs, explained once
    assert sum(autograded_points(graded, "edited_cells").values()) == 100


def test_a_file_that_is_not_a_notebook_is_not_graded_and_says_so_everywhere(graded):
    done = graded["regrade"]
    assert done.returncode == 1
    assert re.search(r"^ERROR resubmit_broken: not graded: rnn_to_attention\.ipynb is not a notebook \(NotJSONError",
                     done.stderr, flags=re.M), done.stderr
    assert re.search(r"^resubmit_copy\s", done.stdout, flags=re.M), done.stdout
    assert sum(graded["scores"]["resubmit_broken"].values()) == 0  # in the gradebook: that submission, 0
    row = graded["export"]["resubmit_broken"]
    assert row["status"].startswith("not graded: rnn_to_attention.ipynb is not a notebook") and row["score"] == "0.0"
    assert "not graded: rnn_to_attention.ipynb is not a notebook" in feedback_page(graded, "resubmit_broken")
    assert graded["autograde"].returncode == 0, graded["autograde"].stderr  # the first round: all gradable
    loop = re.search(r"^magics_and_loop\s.*?([0-9.]+)\s*$", graded["autograde"].stdout, flags=re.M)
    assert loop and float(loop[1]) < TIMEOUT + 30, "the infinite loop was not bounded by the timeout"


def test_a_resubmission_never_leaves_a_stale_score(graded):
    first_scores, first_timestamps, _ = graded["first_round"]
    last = graded["export"]
    for name in FIRST_ROUND:
        assert sum(first_scores[name].values()) == 100  # the first submission: the key
        assert graded["timestamps"][name] > first_timestamps[name]  # the gradebook holds the latest submission
        assert last[name]["timestamp"] == str(graded["timestamps"][name])
    broken = last["resubmit_broken"]
    assert broken["status"].startswith("not graded: rnn_to_attention.ipynb is not a notebook"), broken
    assert float(broken["score"]) == 0
    copied = last["resubmit_copy"]
    partial = sum(graded["expected"]["resubmit_copy"].exercises[e].score for e in EXERCISES)
    assert float(copied["raw_score"]) == partial < 100 and copied["status"].startswith("graded; 1 repair"), copied


def test_an_export_never_shows_a_score_the_latest_submission_did_not_earn(graded, tmp_path):
    """An autograde that failed (or never ran) after the last collect: the record does not match the gradebook's
    submission, and the export leaves the score out rather than show an older one."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    from seqlab.course.nbgrade.export import submission_status
    from seqlab.course.nbgrade.preprocessors import record_path

    course = graded["course"]
    moved = CourseDirectory(root=str(course), autograded_directory=str(tmp_path / "autograded"))
    mine = record_path(moved, "resubmit_copy", ASSIGNMENT, Path(NB).stem)
    mine.parent.mkdir(parents=True)
    older = dict(record(graded, "resubmit_copy"), timestamp="2026-11-01T09:00:00")  # the first submission's
    mine.write_text(json.dumps(older))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        status, submission, _ = submission_status(moved, gb, assignment, "resubmit_copy")
        assert status.startswith("latest submission not graded: no seqlab autograde of rnn_to_attention for the "
                                 "submission of") and submission is None
        status, submission, _ = submission_status(moved, gb, assignment, "key")  # no record at all
        assert status.startswith("latest submission not graded") and submission is None


def test_the_export_has_a_status_for_every_row_and_no_silent_or_stale_score(graded):
    export = graded["export"]
    assert set(export) == set(graded["students"])
    for student, grades in graded["scores"].items():
        row = export[student]
        assert float(row["raw_score"]) == pytest.approx(sum(grades.values())), student
        assert float(row["max_score"]) == 120
        assert row["status"].startswith("graded" if graded["students"][student].graded else "not graded: "), row
    assert float(export["key"]["raw_score"]) == 104  # 100 autograded + 4 by hand
    assert export["key"]["status"] == "graded; 15 points still to grade by hand"
    assert "no timestamp.txt" in export["no_timestamp"]["status"]
    assert "7 repairs before grading" in export["edited_cells"]["status"]


def test_feedback_is_released_to_everyone_who_can_fetch_it_and_the_rest_are_named(graded):
    log = graded["feedback_release"].stdout + graded["feedback_release"].stderr
    assert re.search(r"Skipping partial/rnn_to_attention: no submission_secret\.txt", log), log
    for name, student in graded["students"].items():
        if student.route != "exchange":
            continue
        fetched = list((graded["homes"][name] / ASSIGNMENT / "feedback").glob("*/*.html"))  # as the student named it
        assert len(fetched) == 1, name  # the latest submission's feedback only
        assert ("graded by seqlab" in fetched[0].read_text() or not student.graded), name
    assert (graded["course"] / "feedback" / "partial" / ASSIGNMENT / f"{Path(NB).stem}.html").is_file()


def test_free_responses_are_graded_by_hand(graded):
    listing = graded["manual_list"]
    assert listing.returncode == 0, listing.stderr
    assert "gru-answer" in listing.stdout and "Model answer" in listing.stdout and "awaiting a score" in listing.stdout
    assert graded["manual_set"].returncode == 0, graded["manual_set"].stderr
    assert graded["scores"]["key"]["gru-answer"] == 4
    assert graded["scores"]["tricks"]["gru-answer"] == 0  # "YOUR ANSWER HERE" left as is: no response
    assert "-- resubmit_broken (" not in listing.stdout  # nothing to grade by hand in a file that is not a notebook


def test_feedback_holds_no_hidden_test_no_answer_key_and_no_rubric(course, graded):
    answers = solution_lines()
    pages = sorted((course / "feedback").glob(f"*/{ASSIGNMENT}/*.html"))
    assert {p.parts[-3] for p in pages} == set(graded["students"])
    for page in pages:
        shown = visible_text(page.read_text())
        for secret in ("HIDDEN TESTS", 'inputs = "official"', "Model answer", "Rubric"):
            assert secret not in shown, (page, secret)
        if not set(graded["students"][page.parts[-3]].answers.values()) & set(graded["klass"].key.values()):
            leaked = [line for line in answers if line in shown]
            assert not leaked, (page, leaked[:3])
    for notebook in (course / "autograded").glob(f"*/{ASSIGNMENT}/{NB}"):
        assert "HIDDEN TESTS" not in notebook.read_text()
