"""The graded assignment's points, read from the student notebook that nbgrader generated
(exercises/<assignment>/<assignment>.ipynb, shipped in every release): each graded cell's nbgrader metadata says
its points, and whether it is autograded (a test cell) or graded by hand (a written answer). The lesson states
them at its top."""

from pathlib import Path

import nbformat

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"


def points():
    """(autograded points per test cell, hand-graded points per answer cell), in notebook order."""
    (notebook,) = sorted(EXERCISES.glob("*/*.ipynb"))
    auto, manual = [], []
    for cell in nbformat.read(notebook, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            (manual if meta.get("solution") else auto).append(meta["points"])
    return auto, manual


def markdown():
    auto, manual = points()
    a, m = sum(auto), sum(manual)
    return (f"**Points of the graded assignment** (this lesson itself is not graded): {a} autograded "
            f"({' + '.join(map(str, auto))}: the exercises' checks) + {m} graded by hand "
            f"({' + '.join(map(str, manual))}: one written answer per exercise) = **{a + m}**.")
