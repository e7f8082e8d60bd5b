"""How the commands a report suggests are written: they must work as printed, from where the user is.

A student who ran ``make grade`` has not activated the course's virtual environment, so a bare ``python`` (or
``pytest``) on their PATH is not the one that has seqlab. A suggested command names this interpreter the way it
can be typed from the current folder: ``python`` when that is on PATH and is this very interpreter, else its
path (``.venv/bin/python`` when it lies below the current folder, absolute otherwise).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path


def _is_this_interpreters(found: str | None) -> bool:
    """Whether a program found on PATH sits beside this interpreter (the same environment's bin folder)."""
    return found is not None and Path(found).absolute().parent == Path(sys.executable).absolute().parent


def shell_path(path: str | os.PathLike) -> str:
    """`path` as typed from the current folder (relative when below it), quoted for a POSIX shell."""
    path = Path(path)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            pass
    return shlex.quote(str(path))


def python() -> str:
    """This interpreter, as a command typed from the current folder."""
    found = shutil.which("python")
    if _is_this_interpreters(found) and os.path.samefile(found, sys.executable):
        return "python"
    return shell_path(sys.executable)


def program(name: str, module: str) -> str:
    """A console script of this environment (``pytest``), or ``<python> -m <module>`` where PATH has another."""
    return name if _is_this_interpreters(shutil.which(name)) else f"{python()} -m {module}"


def seqlab_grade(folder: str | os.PathLike, exercise: str, check: str) -> str:
    """The command that grades one check of a folder again."""
    return f"{python()} -m seqlab grade {shell_path(folder)} --only {exercise} --check {check}"
