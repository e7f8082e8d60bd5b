"""The student release: stubs, grading tool and public checks, and no answers."""

import subprocess
import sys

import pytest

from seqlab.course.release import NEVER, build_release
from seqlab.course.stubs import solution_regions


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("rel") / "seqlab-student")


def test_release_holds_no_answer_key_reference_or_corpus(release):
    names = {p.name for p in release.rglob("*")}
    for forbidden in NEVER:
        assert forbidden not in names, f"{forbidden} shipped in the release"
    assert not list(release.rglob("mistakes"))


def test_no_line_of_any_solution_region_is_in_the_release(repo, release):
    answer_lines = set()
    for solution in (repo / "solutions").glob("*.py"):
        lines = solution.read_text().splitlines()
        for first, last, _ in solution_regions(solution.read_text()):
            answer_lines |= {l.strip() for l in lines[first + 1:last]
                             if len(l.strip()) > 15 and not l.strip().startswith("#")}
    assert answer_lines, "the answer key has no solution lines to look for"
    for path in release.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".ipynb", ".md", ".json", ".txt"):
            text = path.read_text(errors="replace")
            leaked = [line for line in answer_lines if line in text]
            assert not leaked, f"{path.relative_to(release)} contains answer lines: {leaked[:3]}"


def _grade_json(folder, cwd, tmp_path, name):
    out = tmp_path / f"{name}.json"
    subprocess.run([sys.executable, "-m", "seqlab", "grade", str(folder), "--json", str(out)],
                   cwd=cwd, check=True, capture_output=True, text=True, timeout=120)
    import json
    return json.loads(out.read_text())


def test_release_grades_with_public_data_exactly_as_the_instructor_repo(repo, release, tmp_path):
    """Inside the release (no reference/) the answer key scores 100 and the stubs 0, as in the repo."""
    in_release = _grade_json(repo / "solutions", release, tmp_path, "release-key")
    in_repo = _grade_json(repo / "solutions", repo, tmp_path, "repo-key")
    assert in_release["meta"]["oracle"] == "public data" and in_repo["meta"]["oracle"] == "reference"
    assert in_release["total"] == in_repo["total"] == 100
    stubs = _grade_json(release / "exercises", release, tmp_path, "release-stubs")
    assert stubs["total"] == 0
    assert in_release["meta"]["reference_hash"] == in_repo["meta"]["reference_hash"]


PUBLIC_DATA_LIMIT = 10 * 1024 * 1024  # the bound on what a release ships as data


def test_release_diagnoses_exactly_as_the_instructor_repo(repo, release, tmp_path):
    """The same mistakes, parts, probes, findings and words from the public data as from reference/: one folder
    with a combined-mistake submission per exercise (tests/corpus/combined)."""
    from seqlab.grading.registry import EXERCISES
    from tests.corpus import load, materialize

    cases = load("combined")
    folder = tmp_path / "wrong"
    for name in EXERCISES:
        case = next(c for c in cases.values() if c["exercise"] == name)
        materialize(case, folder, key=False)
    in_release = _grade_json(folder, release, tmp_path, "release-wrong")
    in_repo = _grade_json(folder, repo, tmp_path, "repo-wrong")
    assert in_release["total"] == in_repo["total"] < 100
    named = 0
    for name in EXERCISES:
        ours, theirs = in_release["exercises"][name]["tests"], in_repo["exercises"][name]["tests"]
        assert ours == theirs
        named += sum(bool(t["mistakes"]) for t in ours)
    assert named >= len(EXERCISES)
    size = sum(p.stat().st_size for p in (release / "seqlab" / "grading" / "public_data").iterdir())
    assert size < PUBLIC_DATA_LIMIT, size


def test_release_refuses_official_grading(release, repo):
    run = subprocess.run([sys.executable, "-m", "seqlab", "grade", str(repo / "solutions"), "--official",
                          "--student", "s1"], cwd=release, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "instructor" in (run.stderr + run.stdout)
