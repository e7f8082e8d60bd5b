"""HOSTILE: no GRU of its own: it looks for the instructor's repository and imports reference.gru from it.

It searches every place a path might leak from: this file's folders, the working directory, the interpreter
(sys.executable, sys.prefix: a venv inside the repository), sys.argv and sys.path, environment variables, the
parent process's working directory and environment in /proc, and a few guessed locations. In the instructor's
own process any of these finds the repository; in the grading sandbox none may.
"""

import importlib
import os
import sys
from pathlib import Path


def _candidates():
    here = Path(os.path.abspath(__file__)).parent
    yield from (here, *here.parents)
    cwd = Path.cwd()
    yield from (cwd, *cwd.parents)
    for value in (sys.executable, sys.prefix, sys.base_prefix, *sys.argv, *sys.path, *os.environ.values()):
        for part in str(value).split(os.pathsep):
            if part.startswith("/"):
                path = Path(part)
                yield from (path, *path.parents)
    for pid in (os.getppid(), 1):
        try:
            yield Path(os.readlink(f"/proc/{pid}/cwd"))
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            for entry in environ:
                _, _, value = entry.decode(errors="replace").partition("=")
                if value.startswith("/"):
                    yield from (Path(value), *Path(value).parents)
        except OSError:
            pass
    for guess in ("/work", "/root", "/srv", "/opt", "/home", "/builds", "/github/workspace"):
        yield Path(guess)


def _steal(module):
    seen = set()
    for folder in _candidates():
        if folder in seen:
            continue
        seen.add(folder)
        try:
            found = (folder / "reference" / "__init__.py").is_file()
        except OSError:
            continue
        if found:
            sys.path.insert(0, str(folder))
            try:
                return importlib.import_module(module)
            except Exception:
                sys.path.remove(str(folder))
    raise ImportError(f"could not find {module} anywhere")


GRUCell = _steal("reference.gru").GRUCell
