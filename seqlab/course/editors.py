"""A release is a pytest project: plain ``pytest`` there, and an editor's test panel, list and run the checks.

Two files of the release: its pyproject.toml's pytest table (the instructor's table runs the kit's own tests,
which a release does not hold) becomes ``addopts = "--seqlab=exercises"``, and ``.vscode/settings.json`` turns
on VS Code's pytest discovery with the release's virtual environment (PyCharm, with pytest as its test runner,
reads the pyproject table itself).
"""

from __future__ import annotations

import json
from pathlib import Path

from seqlab.pytest_plugin import DEFAULT_FOLDER

PYTEST_TABLE = "[tool.pytest.ini_options]"
STUDENT_PYTEST_TABLE = f"""{PYTEST_TABLE}
# `pytest` grades {DEFAULT_FOLDER}/: one test per check, with its points (the seqlab plugin; see the README).
addopts = "--seqlab={DEFAULT_FOLDER}"
"""
VSCODE_SETTINGS = {
    "python.testing.pytestEnabled": True,
    "python.testing.unittestEnabled": False,
    "python.defaultInterpreterPath": "${workspaceFolder}/.venv/bin/python",
}


def with_student_pytest_table(pyproject: str) -> str:
    """The pyproject text with its pytest table (header to the next table) replaced by the students' one."""
    lines = pyproject.splitlines(keepends=True)
    starts = [k for k, line in enumerate(lines) if line.strip() == PYTEST_TABLE]
    if not starts:
        return pyproject.rstrip("\n") + "\n\n" + STUDENT_PYTEST_TABLE
    start = starts[0]
    end = next((k for k in range(start + 1, len(lines)) if lines[k].startswith("[")), len(lines))
    rest = "".join(lines[end:])
    return "".join(lines[:start]) + STUDENT_PYTEST_TABLE + ("\n" + rest if rest else "")


def write_editor_config(release: Path) -> None:
    pyproject = release / "pyproject.toml"
    pyproject.write_text(with_student_pytest_table(pyproject.read_text()))
    settings = release / ".vscode" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps(VSCODE_SETTINGS, indent=2) + "\n")
