"""Builds what students receive: stubs, the grading tool and the public checks, and no answers.

A release holds exercises/ (the generated stubs and the student notebook), the lesson's measured results
(lesson/output/, docs/lesson.md), the student's part of the seqlab package (the CLI, ``seqlab/grading/`` with
``public_data/``: the public inputs, the expected outputs and each known mistake's outputs, precomputed from
reference/, and ``seqlab/notebooks/``), README.md, Makefile and pyproject.toml. It never holds solutions/,
reference/, tests/ (the mutant and hostile corpora), the instructor's commands (``seqlab/course/``) or the grading
secret: ``tests/test_release.py`` checks that. It is a pytest project (``seqlab.course.editors``: plain ``pytest``
grades exercises/) and a GitHub Classroom template (``seqlab.course.github_classroom``).
"""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

from seqlab.course.editors import write_editor_config
from seqlab.course.github_classroom import write_workflow
from seqlab.course.stubs import generate
from seqlab.grading.oracle import PUBLIC_DATA, REPO_ROOT, ReferenceOracle, export_public_data
from seqlab.grading.registry import EXERCISES
from seqlab.grading.seeds import PUBLIC

TOP_LEVEL_FILES = ("README.md", "Makefile", "pyproject.toml", ".gitignore")
# The lesson's measured results (figures, numbers) and its guide. The lesson's code itself needs reference/,
# which holds exercise 1's answer (SimpleRNN.train_step clips with it), so it runs in the instructor's copy.
LESSON_FILES = ("lesson/output", "docs/lesson.md")
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
    for name in LESSON_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=_ignore)
        elif source.is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / name)
    for name in TOP_LEVEL_FILES:
        if (REPO_ROOT / name).is_file():
            shutil.copy2(REPO_ROOT / name, out / name)
    write_editor_config(out)
    write_workflow(out)
    if archive:
        tar_path = out.with_name(out.name + ".tar.gz")
        with tarfile.open(tar_path, "w:gz") as tar:
            tar.add(out, arcname=out.name)
        return tar_path
    return out
