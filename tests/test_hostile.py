"""The grader against hostile submissions: each exploit first fools a naive grader, then scores 0 under seqlab.

The corpus is tests/corpus/hostile/ (its cases.toml says what each case replaces and what its messages must say).
For every case:

(a) the exploit is shown to work against a naive grader: one that imports the submission into its own process
    and checks it against reference/ with np.allclose (NAIVE below), a harness that trusts a results file, or
    pytest run in the submission's folder;
(b) under official grading (a secret seed, one student) its exercise scores 0, the answer key's exercises
    keep full marks, nothing reads "Traceback", and the whole grading ends in bounded time.

Naive graders always run in a subprocess: hostile code never runs in this test process (only hard_coded's
templates, plain definitions and an empty table, are imported here to fill the table in).
"""

from __future__ import annotations

import base64
import importlib.util
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from seqlab.grading import driver
from seqlab.grading.cases import build_cases
from seqlab.grading.registry import EXERCISES
from seqlab.grading.grader import grade
from seqlab.grading.oracle import ReferenceOracle
from seqlab.grading.sandbox import Limits, active_protections
from seqlab.grading.seeds import PUBLIC, official
from tests.corpus import CORPUS as CORPUS_ROOT
from tests.corpus import load, materialize, target_name

REPO = Path(__file__).resolve().parents[1]
CORPUS = CORPUS_ROOT / "hostile"
SOLUTIONS = REPO / "solutions"
PY = sys.executable
STRICT = os.environ.get("SEQLAB_SANDBOX", "").lower() == "required" or os.environ.get("CI", "").lower() in ("true", "1")

OFFICIAL_SECRET = b"hostile-corpus-test-secret-0123456789abcdef"
OFFICIAL = official(OFFICIAL_SECRET, "student-hostile-7")
HANG_LIMITS = Limits(wall_seconds=3)
LIMITS = Limits(wall_seconds=15)  # generous on a shared machine: only the hang cases should ever time out

ALL_CASES = load("hostile")
CASES = {name: case for name, case in ALL_CASES.items() if "expect" in case}  # graded by the common test below


def limits_of(case: dict) -> Limits:
    return HANG_LIMITS if case.get("limit") == "hang" else LIMITS

# An instructor's first try: import the submission in-process, compare with reference/ using np.allclose.
# The submission is imported before reference/ is put on sys.path, so a module that finds reference/ on its
# own has really found it.
NAIVE = textwrap.dedent(
    r"""
    import importlib, importlib.util, sys
    from pathlib import Path
    import numpy as np

    folder, exercise, repo = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    spec = importlib.util.spec_from_file_location(exercise, folder / f"{exercise}.py")
    student = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(student)
    sys.path.insert(0, repo)
    ref = importlib.import_module(f"reference.{exercise}")
    rng = np.random.default_rng(1)

    if exercise == "gradient_clipping":
        g = {"W": 2 * rng.standard_normal((4, 3)), "b": 2 * rng.standard_normal((4, 1))}
        mine, theirs = {k: v.copy() for k, v in g.items()}, {k: v.copy() for k, v in g.items()}
        assert np.allclose(student.clip_grad_norm(mine, 1.0), ref.clip_grad_norm(theirs, 1.0))
        assert all(np.allclose(mine[k], theirs[k]) for k in g)
        mine, theirs = {k: v.copy() for k, v in g.items()}, {k: v.copy() for k, v in g.items()}
        student.clip_grad_value(mine, 0.5), ref.clip_grad_value(theirs, 0.5)
        assert all(np.allclose(mine[k], theirs[k]) for k in g)
    elif exercise == "bidirectional_rnn":
        theirs = ref.BidirectionalRNN(3, 4, 2, rng=np.random.default_rng(0))
        mine = student.BidirectionalRNN(3, 4, 2, rng=np.random.default_rng(0))
        for name in ("Wxh_f", "Whh_f", "bh_f", "Wxh_b", "Whh_b", "bh_b", "Why", "by"):
            setattr(mine, name, getattr(theirs, name).copy())
        xs = [rng.standard_normal((3, 2)) for _ in range(5)]
        (o1, h1), (o2, h2) = mine.forward([x.copy() for x in xs]), theirs.forward(xs)
        assert len(o1) == len(o2) and len(h1) == len(h2)
        assert all(np.allclose(a, b) for a, b in zip(o1 + h1, o2 + h2))
    elif exercise == "gru":
        theirs = ref.GRUCell(3, 4, rng=np.random.default_rng(0))
        mine = student.GRUCell(3, 4, rng=np.random.default_rng(0))
        for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
            setattr(mine, name, getattr(theirs, name) + rng.standard_normal(getattr(theirs, name).shape))
            setattr(theirs, name, getattr(mine, name).copy())
        x, h = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
        (h1, g1), (h2, g2) = mine.forward(x, h), theirs.forward(x, h)
        assert np.allclose(h1, h2) and all(np.allclose(a, b) for a, b in zip(g1, g2))
    elif exercise == "attention":
        E, x = rng.standard_normal((2, 5, 3)), 10 * rng.standard_normal((4, 6))
        mask = np.tril(np.ones((5, 5), dtype=bool))
        assert np.allclose(student.similarity_matrix(E), ref.similarity_matrix(E))
        assert np.allclose(student.softmax(x), ref.softmax(x))
        assert np.allclose(student.attention_weights(E, mask=mask), ref.attention_weights(E, mask=mask))
        (o1, a1), (o2, a2) = student.self_attention(E, mask=mask), ref.self_attention(E, mask=mask)
        assert np.allclose(o1, o2) and np.allclose(a1, a2)
    print("NAIVE GRADER: every check passed")
    """
)
PASSED = "NAIVE GRADER: every check passed"

NAIVE_PYTEST = textwrap.dedent(
    """
    import sys

    import numpy as np

    sys.path.insert(0, {repo!r})
    from reference.gru import GRUCell as Reference

    from gru import GRUCell


    def test_gru_step_matches_reference():
        rng = np.random.default_rng(3)
        theirs, mine = Reference(3, 4, rng=rng), GRUCell(3, 4)
        for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
            setattr(theirs, name, rng.standard_normal(getattr(theirs, name).shape))
            setattr(mine, name, getattr(theirs, name).copy())
        x, h = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
        assert np.allclose(mine.forward(x, h)[0], theirs.forward(x, h)[0])
    """
)


def naive(folder: Path, exercise: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-c", NAIVE, str(folder), exercise, str(REPO)], cwd=folder, capture_output=True,
                          text=True, timeout=timeout)


def submission(folder: Path, case: str | None = None) -> Path:
    """The answer key, with the case's files laid over it (conftest.py.planted becomes conftest.py)."""
    if case is None:
        return materialize({"name": "", "exercises": (), "files": [], "single_module": False}, folder)
    return materialize(ALL_CASES[case], folder)


def hostile_copy(tmp_path: Path, case: str) -> Path:
    """Only the case's own files, in a fresh folder (for the naive graders)."""
    return materialize(ALL_CASES[case], tmp_path / f"naive-{case}", key=False)


def check_official(report, exercises: tuple[str, ...], message: str) -> None:
    """Only the case's exercises score 0, each failed message matches `message`, and nothing shows a traceback."""
    for name, e in report.exercises.items():
        failed = [t.message for t in e.tests if not t.passed]
        assert all("Traceback" not in m for m in failed), failed
        if name in exercises:
            assert e.score == 0, (name, e.score, [t.name for t in e.tests if t.passed])
            assert all(re.search(message, m) for m in failed), (name, message, failed)
        else:
            assert e.score == e.max_score, (name, failed)
    assert report.meta["seed_kind"] == "official"
    assert "Traceback" not in report.render()


@pytest.fixture(scope="module")
def oracle():
    return ReferenceOracle(REPO)


@pytest.fixture(scope="module")
def officially_graded(tmp_path_factory, oracle):
    """case -> (report, seconds); two cases at a time, except the hang case."""
    root = tmp_path_factory.mktemp("hostile")

    def run(case):
        folder = submission(root / case, case)
        start = time.monotonic()
        report = grade(folder, oracle, OFFICIAL, limits_of(CASES[case]))
        return report, time.monotonic() - start

    # The hang case alone first: its answer-key exercises must finish within its short limit on a busy machine.
    hangs = [case for case in CASES if CASES[case].get("limit") == "hang"]
    graded = {case: run(case) for case in hangs}
    with ThreadPoolExecutor(max_workers=2) as pool:
        rest = [case for case in CASES if case not in graded]
        graded.update(zip(rest, pool.map(run, rest)))
    return graded


def test_every_case_has_its_files():
    for case in ALL_CASES.values():
        present = {target_name(p) for p in case["files"]}
        assert {f"{e}.py" for e in case["exercises"]} <= present, case["name"]
    assert set(ALL_CASES) == {p.name for p in CORPUS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("case", list(CASES))
def test_official_grading_scores_zero_in_bounded_time(case, officially_graded):
    if case == "reference_thief" and "private_filesystem" not in active_protections():
        message = "the thief finds reference/ unless the child runs in bubblewrap (private_filesystem)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    report, seconds = officially_graded[case]
    check_official(report, CASES[case]["exercises"], CASES[case]["expect"])
    assert seconds < limits_of(CASES[case]).wall_seconds + 20, f"{case}: grading took {seconds:.1f} s"


# ---------------------------------------------------------------------------------------------------
# (a) each exploit against a naive grader
# ---------------------------------------------------------------------------------------------------


def test_infinite_loop_hangs_a_naive_grader(tmp_path):
    with pytest.raises(subprocess.TimeoutExpired):
        naive(hostile_copy(tmp_path, "infinite_loop"), "gru", timeout=3)


def test_os_exit_makes_a_naive_grader_exit_0(tmp_path):
    done = naive(hostile_copy(tmp_path, "os_exit_in_function"), "attention")
    assert done.returncode == 0 and PASSED not in done.stdout  # "success", though no check ever ran


def test_sys_exit_at_import_makes_a_naive_grader_exit_0(tmp_path):
    done = naive(hostile_copy(tmp_path, "sys_exit_at_import"), "bidirectional_rnn")
    assert done.returncode == 0 and PASSED not in done.stdout


def test_syntax_error_crashes_a_naive_grader(tmp_path):
    done = naive(hostile_copy(tmp_path, "syntax_error"), "gradient_clipping")
    assert done.returncode != 0 and "Traceback" in done.stderr and "SyntaxError" in done.stderr


@pytest.mark.parametrize("case, exercise", [("allclose_patched", "gru"), ("lying_ndarray", "bidirectional_rnn"),
                                            ("array_function_true", "attention")])
def test_lying_comparisons_pass_a_naive_grader(case, exercise, tmp_path):
    folder = hostile_copy(tmp_path, case)
    done = naive(folder, exercise)
    assert done.returncode == 0 and PASSED in done.stdout, done.stderr[-2000:]
    assert "reference" not in (folder / f"{exercise}.py").read_text()  # no right answers inside


FORBIDDEN_IMPORTS = ("torch_gru", "scipy_softmax", "seqlab_reference", "reference_import", "nbgrader_import",
                     "ipython_import")


@pytest.mark.parametrize("case", FORBIDDEN_IMPORTS)
def test_forbidden_imports_pass_a_naive_grader(case, tmp_path):
    """Each imports what the grader's environment holds (torch, scipy, seqlab, reference, nbgrader, IPython) through
    import, __import__ or importlib; a grader that imports the module where it runs gives full marks."""
    folder, exercise = hostile_copy(tmp_path, case), ALL_CASES[case]["exercise"]
    done = naive(folder, exercise, timeout=120)
    assert done.returncode == 0 and PASSED in done.stdout, done.stderr[-2000:]
    forbidden = re.search(r"tried to import (\w+)", CASES[case]["expect"]).group(1)
    source = (folder / f"{exercise}.py").read_text()
    assert re.search(rf"\bimport {forbidden}\b|\bfrom {forbidden}[ .]|__import__\(\"{forbidden}|"
                     rf"import_module\(\"{forbidden}", source), f"{case} does not import {forbidden}"


def test_reference_thief_passes_a_naive_grader(tmp_path):
    folder = hostile_copy(tmp_path, "reference_thief")  # outside the repository: it must search for it
    done = naive(folder, "gru")
    assert done.returncode == 0 and PASSED in done.stdout, done.stderr[-2000:]
    where = subprocess.run([PY, "-c", "import gru; print(gru.GRUCell.__module__, gru.GRUCell.__init__.__code__.co_filename)"],
                           cwd=folder, capture_output=True, text=True, timeout=20)
    module, path = where.stdout.split()
    assert module == "reference.gru" and Path(path).resolve() == REPO / "reference" / "gru.py"


def test_fake_results_fool_a_harness_that_trusts_them(tmp_path):
    folder = hostile_copy(tmp_path, "fake_results")
    done = subprocess.run([PY, "gradient_clipping.py"], cwd=folder, capture_output=True, timeout=20)
    assert done.returncode == 0
    assert json.loads((folder / "results" / "0.json").read_text())["success"] is True


def test_planted_conftest_makes_pytest_pass(tmp_path):
    folder = hostile_copy(tmp_path, "conftest_plant")
    (folder / "test_naive.py").write_text(NAIVE_PYTEST.format(repo=str(REPO)))
    command = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_naive.py"]
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}  # only the plain runner (and conftest.py)
    fooled = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=60, env=env)
    assert fooled.returncode == 0 and "1 passed" in fooled.stdout, fooled.stdout[-2000:]
    (folder / "conftest.py").unlink()  # the same test without the planted conftest: the GRU is wrong
    honest = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=60, env=env)
    assert honest.returncode == 1 and "1 failed" in honest.stdout, honest.stdout[-2000:]


# ---------------------------------------------------------------------------------------------------
# Hard-coded to the public answers: full marks on public inputs, 0 under official grading
# ---------------------------------------------------------------------------------------------------


def _encode(value):
    if isinstance(value, np.ndarray):
        raw = base64.b64encode(np.ascontiguousarray(value).tobytes()).decode()
        return ["array", [value.dtype.str, list(value.shape), raw]]
    if isinstance(value, (tuple, list)):
        return [type(value).__name__, [_encode(v) for v in value]]
    if isinstance(value, float):
        return ["float", float(value)]
    raise TypeError(type(value))


def _template(exercise: str):
    path = CORPUS / "hard_coded" / f"{exercise}.py"
    spec = importlib.util.spec_from_file_location(f"hard_coded_{exercise}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # benign: definitions and an empty table
    return path, module


def public_answers(exercise: str) -> dict:
    """Runs reference/ on every public case through the driver, recording each call's answer by input hash."""
    _, template = _template(exercise)
    reference = importlib.import_module(f"reference.{exercise}")
    answers = {}

    def record(name, function, signature):
        def call(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            out = function(*args, **kwargs)
            answers[template._key(name, **bound.arguments)] = _encode(out)
            return out
        return call

    if exercise == "gru":
        class Recording(reference.GRUCell):
            def forward(self, x, h_prev):
                out = super().forward(x, h_prev)
                answers[template._key("GRUCell.forward", x=x, h_prev=h_prev)] = _encode(out)
                return out
        api = SimpleNamespace(GRUCell=Recording)
    else:
        names = EXERCISES[exercise].api
        api = SimpleNamespace(**{n: record(n, getattr(reference, n), inspect.signature(getattr(template, n)))
                                 for n in names})
    for case in build_cases(EXERCISES[exercise], PUBLIC):
        _, error = driver.call(getattr(EXERCISES[exercise].calls, case.check.call), api, case.arrays, case.args)
        assert error is None, error
    return answers


def test_hard_coded_public_answers_score_zero_officially(tmp_path, oracle):
    folder = submission(tmp_path / "hard_coded")
    for exercise in ("gru", "attention"):
        path, _ = _template(exercise)
        text = path.read_text()
        assert "ANSWERS = {}\n" in text
        (folder / path.name).write_text(text.replace("ANSWERS = {}\n", f"ANSWERS = {public_answers(exercise)!r}\n", 1))
    public = grade(folder, oracle, PUBLIC, LIMITS)  # (a) it fools the public checks: full marks
    assert public.total == public.max_total == 100, public.render()
    check_official(grade(folder, oracle, OFFICIAL, LIMITS), ("gru", "attention"),
                   r"raised KeyError: .no stored answer for these inputs")


# ---------------------------------------------------------------------------------------------------
# A zip bomb among the results: bounded on disk by the child's limits, unbounded once loaded
# ---------------------------------------------------------------------------------------------------

PEAK_MEMORY = textwrap.dedent(
    r"""
    import json, resource, sys
    from pathlib import Path
    from seqlab.grading.grader import grade
    from seqlab.grading.oracle import ReferenceOracle
    from seqlab.grading.sandbox import Limits
    from seqlab.grading.seeds import official

    folder, secret = Path(sys.argv[1]), sys.argv[2].encode()
    report = grade(folder, ReferenceOracle(), official(secret, "student-hostile-7"), Limits(wall_seconds=15), only="gru")
    print(json.dumps({"score": report.exercises["gru"].score, "messages": [t.message for t in report.exercises["gru"].tests],
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    """
)


def peak_memory_of_grading(folder: Path) -> dict:
    """Grades folder's gru.py officially in a fresh process; its score, messages and peak resident memory."""
    done = subprocess.run([PY, "-c", PEAK_MEMORY, str(folder), OFFICIAL_SECRET.decode()], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_zip_bomb_inflates_far_beyond_its_size(tmp_path):
    """(a) The exploit: a quarter of a megabyte on disk that a naive np.load turns into 256 MiB."""
    import zipfile

    folder = hostile_copy(tmp_path, "zip_bomb_results")
    done = subprocess.run([PY, "gru.py"], cwd=folder, capture_output=True, timeout=60)
    assert done.returncode == 0
    bomb = folder / "results" / "0.npz"
    with zipfile.ZipFile(bomb) as archive:
        (member,) = archive.infolist()
    assert member.file_size >= 256 * 2**20 and bomb.stat().st_size < 2**20


def test_zip_bomb_results_do_not_blow_up_the_grader(tmp_path):
    """(b) The grader must refuse to inflate it: its memory stays near what grading the answer key takes."""
    baseline = peak_memory_of_grading(submission(tmp_path / "key"))
    bombed = peak_memory_of_grading(submission(tmp_path / "bomb", "zip_bomb_results"))
    assert baseline["score"] == 25
    assert bombed["score"] == 0 and all("Traceback" not in m for m in bombed["messages"])
    assert bombed["peak_mib"] < baseline["peak_mib"] + 64, (
        f"grading a 256 kB zip bomb took the grader from {baseline['peak_mib']:.0f} MiB to "
        f"{bombed['peak_mib']:.0f} MiB: seqlab/grading/runner.py loads results/<k>.npz without bounding what it inflates to"
    )
