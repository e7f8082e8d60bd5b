"""Generates the student stubs (exercises/*.py) from the answer key (solutions/*.py).

Each region fenced by nbgrader's markers

    ### BEGIN SOLUTION
    ...
    ### END SOLUTION

becomes, at the same indentation,

    # YOUR CODE HERE
    raise NotImplementedError()

which is exactly what ``nbgrader generate_assignment`` does to a solution cell. Everything else (docstrings,
hints, provided helpers) is copied unchanged, so outside the marked regions stub and solution are the same.
"""

from __future__ import annotations

import re
from pathlib import Path

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_MARKER = re.compile(r"^(?P<indent>[ \t]*)### (?P<which>BEGIN|END) SOLUTION[ \t]*$")


class MarkerError(ValueError):
    pass


def solution_regions(source: str, name: str = "<source>") -> list[tuple[int, int, str]]:
    """(first line, last line, indentation) of each marked region, 0-based and inclusive of the markers."""
    regions, open_at = [], None
    for number, line in enumerate(source.splitlines()):
        match = _MARKER.match(line)
        if not match:
            if BEGIN in line or END in line:
                raise MarkerError(f"{name}:{number + 1}: a solution marker must stand alone on its line")
            continue
        if match["which"] == "BEGIN":
            if open_at is not None:
                raise MarkerError(f"{name}:{number + 1}: BEGIN SOLUTION inside another region (opened at line {open_at[0] + 1})")
            open_at = (number, match["indent"])
        else:
            if open_at is None:
                raise MarkerError(f"{name}:{number + 1}: END SOLUTION without a BEGIN SOLUTION")
            if match["indent"] != open_at[1]:
                raise MarkerError(f"{name}:{number + 1}: END SOLUTION indented differently from its BEGIN")
            regions.append((open_at[0], number, open_at[1]))
            open_at = None
    if open_at is not None:
        raise MarkerError(f"{name}:{open_at[0] + 1}: BEGIN SOLUTION is never closed")
    return regions


def make_stub(source: str, name: str = "<source>") -> str:
    lines = source.splitlines(keepends=True)
    regions = solution_regions(source, name)
    if not regions:
        raise MarkerError(f"{name}: no ### BEGIN SOLUTION region: nothing for the student to write")
    out, position = [], 0
    for first, last, indent in regions:
        out.extend(lines[position:first])
        out.append(f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n")
        position = last + 1
    out.extend(lines[position:])
    return "".join(out)


def generate(solutions: Path, exercises: Path, check_only: bool = False) -> list[str]:
    """Writes exercises/<name>.py for every solutions/<name>.py; returns the stale files' names.

    With check_only, writes nothing and only reports which stubs differ from what would be generated.
    """
    stale = []
    for solution in sorted(solutions.glob("*.py")):
        if solution.name.startswith("_"):
            continue
        stub = make_stub(solution.read_text(), str(solution))
        target = exercises / solution.name
        if not target.is_file() or target.read_text() != stub:
            stale.append(solution.name)
            if not check_only:
                exercises.mkdir(parents=True, exist_ok=True)
                target.write_text(stub)
    return stale
