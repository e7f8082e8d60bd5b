"""Shared fixtures for the kit's own tests."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


# The kinds of student, by the class generator's description, kept for the class-scale tests: every student with
# a mutant, one for each way an exercise gives no result, and a correct one.
KEPT_KINDS = ("broken:.*:missing$", "broken:.*:misnamed$", "broken:.*:syntax$", "broken:.*:stub$",
              "timeout:.*:spin$", "timeout:.*:sleep$")


@pytest.fixture(scope="session")
def generated_class(tmp_path_factory):
    """A part of benchmarks/class_generator.py's class of 40, graded by `seqlab class-grade` in a fresh process as an
    instructor runs it (public inputs, an 8 s wall limit): {root, submissions, out, described,
    options}. `described`: the generator's description of each kept student (the ids of the mistakes it injected)."""
    import re
    import shutil
    import subprocess
    import sys

    from benchmarks.class_generator import generate_class
    from seqlab.grading.sandbox import active_protections

    root = tmp_path_factory.mktemp("generated-class")
    described = generate_class(root / "all", 40, out=root / "out", active_protections=active_protections())
    kept = {s: d for s, d in described.items() if d.startswith("wrong:")}
    for pattern in KEPT_KINDS:
        kept.update([next((s, d) for s, d in described.items() if re.fullmatch(pattern, d))])
    kept.update([next((s, d) for s, d in described.items() if d == "correct")])
    (root / "submissions").mkdir()
    for student in kept:
        shutil.move(root / "all" / student, root / "submissions" / student)
    # a wall limit well beyond the CPU limit: even on a busy machine a busy loop gets its 1 s of CPU first, so that
    # every run (sharded or not) ends it the same way
    options = ["--timeout", "8", "--no-progress"]
    done = subprocess.run([sys.executable, "-m", "seqlab", "class-grade", root / "submissions", "--out",
                           root / "out", *options], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"root": root, "submissions": root / "submissions", "out": root / "out", "described": kept,
            "options": options}


@pytest.fixture(autouse=True)
def _path_restored():
    """PATH as it was before each test: the nbgrader commands put this interpreter's bin folder on it in process
    (alembic must be found), which changes how later reports write their rerun lines (`python` or its path)."""
    path = os.environ.get("PATH")
    yield
    if path is None:
        os.environ.pop("PATH", None)
    else:
        os.environ["PATH"] = path


@pytest.fixture(scope="session")
def built_release(tmp_path_factory) -> Path:
    """One student release for the session (building one computes the public data: the slow part); tests get
    copies of it (``release``), never this folder."""
    from seqlab.course.release import build_release

    return build_release(tmp_path_factory.mktemp("built-release") / "seqlab-student")


@pytest.fixture(scope="module")
def release(built_release, tmp_path_factory) -> Path:
    """A fresh copy of the session's student release for this module, free to run and change."""
    import shutil

    return Path(shutil.copytree(built_release, tmp_path_factory.mktemp("rel") / "seqlab-student", symlinks=True))


# The modules that take a minute or more of a worker (make test's --durations shows them): collected first, so
# that pytest-xdist hands them out before the short ones and the workers finish together.
LONGEST_FIRST = ("test_release_lesson.py", "test_front_doors.py", "test_nbgrader_e2e.py")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module keeps its own order
