"""Builds what students receive: stubs, the grading tool and the public checks, and no answers.

A release holds exercises/ (the generated stubs and the student notebook), the lesson (its notebook, data,
committed results and guide, and the code it runs: lesson/ and the modules it imports, ``lesson_files``), the
student's part of the seqlab package (the CLI, ``seqlab/grading/`` with ``public_data/``: the public inputs, the
expected outputs of the checks and probes, the outputs of each known mistake and of each
combination of them, precomputed from reference/, and ``seqlab/notebooks/``), the
student's README.md and docs/lesson.md (``audience.for_students``), Makefile and pyproject.toml. It never holds
solutions/, reference/, tests/ (the mutant and hostile corpora), the instructor's commands (``seqlab/course/``) or
the grading secret: ``tests/test_release.py`` checks that, and that no line of an answer ships.
It is a pytest project (``seqlab.course.editors``: plain ``pytest`` grades exercises/) and a GitHub Classroom
template (``seqlab.course.github_classroom``).
"""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

from seqlab.course.audience import for_students
from seqlab.course.lesson_files import lesson_files
from seqlab.course.editors import write_editor_config
from seqlab.course.github_classroom import write_workflow
from seqlab.course.stubs import generate
from seqlab.grading.oracle import PUBLIC_DATA, REPO_ROOT, ReferenceOracle, export_public_data
from seqlab.grading.registry import EXERCISES
from seqlab.grading.seeds import PUBLIC

TOP_LEVEL_FILES = ("Makefile", "pyproject.toml", ".gitignore")
# Guides written for both audiences: a release carries the student's version of each.
GUIDES = ("README.md", "docs/lesson.md")
# The lesson's notebook, its data and its committed results; its code is lesson_files(), found from its imports.
LESSON_FILES = ("lesson/rnns_to_attention.ipynb", "lesson/data", "lesson/output")
# The parts of the seqlab package a student gets: grading and reading notebooks, not the instructor's commands.
PACKAGE_PARTS = ("__init__.py", "__main__.py", "cli.py", "pytest_plugin.py", "nbcheck.py", "grading", "notebooks")
# Instructor material that must never ship, whatever else is added to the package later.
NEVER = ("solutions", "reference", "tests", ".seqlab", "secret", "course")


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in ("__pycache__", "public_data") or n.endswith(".pyc") or n in NEVER}


def export_public(folder: Path) -> None:
    """seqlab/grading/public_data for a release: every exercise's public cases with their answers as data."""
    folder.mkdir(parents=True, exist_ok=True)
    oracle = ReferenceOracle()
    for exercise in EXERCISES.values():
        export_public_data(exercise, oracle, folder)
    manifest = {"reference_hash": oracle.reference_hash, "seed": PUBLIC.seed, "exercises": list(EXERCISES)}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))


def build_release(out: Path, archive: bool = False) -> Path:
    stale = generate(REPO_ROOT / "solutions", REPO_ROOT / "exercises", check_only=True)
    if stale:
        raise SystemExit(f"exercises/ is stale ({', '.join(stale)}): run `python -m seqlab stubs` first")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "exercises", out / "exercises", ignore=_ignore)
    package = REPO_ROOT / "seqlab"
    for part in PACKAGE_PARTS:
        if (package / part).is_dir():
            shutil.copytree(package / part, out / "seqlab" / part, ignore=_ignore)
        else:
            (out / "seqlab").mkdir(exist_ok=True)
            shutil.copy2(package / part, out / "seqlab" / part)
    export_public(out / PUBLIC_DATA.relative_to(REPO_ROOT))
    for name in (*LESSON_FILES, *lesson_files(REPO_ROOT)):
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=_ignore)
        elif source.is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / name)
    for name in TOP_LEVEL_FILES:
        if (REPO_ROOT / name).is_file():
            shutil.copy2(REPO_ROOT / name, out / name)
    for name in GUIDES:
        if (REPO_ROOT / name).is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(for_students((REPO_ROOT / name).read_text(), name))
    write_editor_config(out)
    write_workflow(out)
    if archive:
        tar_path = out.with_name(out.name + ".tar.gz")
        with tarfile.open(tar_path, "w:gz") as tar:
            tar.add(out, arcname=out.name)
        return tar_path
    return out
