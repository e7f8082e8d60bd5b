"""The kit's corpora of student submissions, and their one loader.

    tests/corpus/<corpus>/cases.toml     one table per case: what is known about it (the metadata)
    tests/corpus/<corpus>/<name>.py      the case's file, when it is one module ...
    tests/corpus/<corpus>/<name>/        ... or its folder: the modules (and *.planted files) a submission holds,
                                         and perhaps a README.md on how the case works

Every case names the exercise(s) its files replace (``exercise``: a name or a list of names); the other fields
belong to the corpus (read by its tests):

* ``mutants``: whole student modules that make known mistakes. ``mistakes``: the ids that the grader must name
  (``seqlab.grading.registry``), and no other.
* ``hostile``: exploits aimed at a grader. ``expect``: a regular expression every failed check's message of the
  case's exercises matches under official grading; ``limit = "hang"``: graded with the short wall limit.
* ``hostile_class``: exploits aimed at class grading (see the header of its cases.toml).

A file named ``*.planted`` is the file without that suffix (a conftest.py here would be loaded by pytest itself).
Placeholders ``{{NAME}}`` in a case's files are filled in by ``materialize``.
"""

from __future__ import annotations

import secrets
import shutil
import tomllib
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
REPO = CORPUS.parents[1]
PLANTED = ".planted"


def load(corpus: str, **defaults) -> dict[str, dict]:
    """{name: case} from tests/corpus/<corpus>/cases.toml, in file order; each case also gets ``name``,
    ``exercises`` (a tuple), ``exercise`` (the first of them), ``files``, ``single_module`` (its files are one
    module named after the case) and the `defaults` it does not set."""
    folder = CORPUS / corpus
    cases = {}
    for name, fields in tomllib.loads((folder / "cases.toml").read_text()).items():
        exercises = fields["exercise"] if isinstance(fields["exercise"], list) else [fields["exercise"]]
        module = folder / f"{name}.py"
        files = [module] if module.is_file() else sorted(
            p for p in (folder / name).glob("*") if p.suffix == ".py" or p.name.endswith(PLANTED))
        cases[name] = {**defaults, **fields, "name": name, "exercises": tuple(exercises), "exercise": exercises[0],
                       "files": files, "single_module": module.is_file()}
    return cases


def target_name(path: Path) -> str:
    """The name a case's file has in a submission folder."""
    return path.name.removesuffix(PLANTED)


def fill(text: str, **values: str) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def materialize(case: dict, dest: Path, *, key: bool = True, **values: str) -> Path:
    """Writes a submission folder for one case: the answer key's modules for the exercises the case does not
    replace (with `key`), then the case's files (placeholders filled with `values`). Returns dest."""
    from seqlab.grading.registry import EXERCISES

    dest.mkdir(parents=True, exist_ok=True)
    if key:
        for name in EXERCISES:
            if name not in case["exercises"]:
                shutil.copyfile(REPO / "solutions" / f"{name}.py", dest / f"{name}.py")
    for path in case["files"]:  # a one-module case is named after itself, not after its exercise
        target = f"{case['exercise']}.py" if case["single_module"] else target_name(path)
        (dest / target).write_text(fill(path.read_text(), **values))
    if case.get("symlink"):
        link = dest / f"{case['exercise']}.py"
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(REPO / case["symlink"])
    return dest


def missing_needs(case: dict, active) -> list[str]:
    """The protections a case relies on that are not active ("a|b": either one will do)."""
    return [need for need in case.get("needs", []) if not any(option in active for option in need.split("|"))]


def new_token() -> str:
    """A process name (at most 15 characters) that marks every process of one hostile case."""
    return "hx" + secrets.token_hex(5)
