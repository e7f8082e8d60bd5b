"""A generated class for the class-grading benchmark, made from the answer key and the kit's corpora.

    generate_class(dest, n)  ->  dest/<student>/<exercise>.py for n students, a fixed mix (seeded):

        correct   40%  the answer key (solutions/)
        wrong     20%  the key with one or two exercises replaced by a mutant of tests/corpus/mutants (its
                       description names the ids of the mistakes injected)
        broken    15%  one exercise: syntax error, missing or misnamed file, unfinished stub, raise or sys.exit at
                       import, an import that is not there
        hostile   13%  one exercise from tests/corpus/hostile_class (those that end by themselves)
        timeout   12%  one exercise never returns: a busy loop, a sleep, a wait on nothing, or a hostile case
                       that ignores signals or floods stdout; each one runs into the wall-clock limit

    to_notebook(modules)  ->  the released assignment notebook with those modules in its answer cells, for
                              comparing with nbgrader's autograde on the same class.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from seqlab.grading.registry import EXERCISES
from seqlab.grading.seeds import ASSIGNMENT
from tests.corpus import load, materialize, missing_needs, new_token

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_NAMES = tuple(EXERCISES)
SPIN = "\n\ndef _forever(*args, **kwargs):\n    while True:\n        pass\n"
BLOCKING = {
    "sleep": "\n\ndef _forever(*args, **kwargs):\n    import time\n    time.sleep(3600)\n",
    "pause": "\n\ndef _forever(*args, **kwargs):\n    import signal\n    signal.pause()\n",
    "wait": "\n\ndef _forever(*args, **kwargs):\n    import threading\n    threading.Event().wait()\n",
}
# How the timeouts of a class run into the wall-clock limit, in turn: half burn a core until they are killed
# (a busy loop; hostile cases that ignore signals or flood stdout), half wait (sleep, pause, an event).
TIMEOUTS = ("spin", "sleep", "ignore_signals_spin", "pause", "stdout_flood", "wait")


def hang_entry(exercise: str) -> str:
    """Module text that points every name of the exercise's API at _forever (a class: its constructor)."""
    return (f"\nfor _name in {EXERCISES[exercise].api!r}:\n"
            f"    if isinstance(globals()[_name], type):\n"
            f"        globals()[_name].__init__ = _forever\n"
            f"    else:\n"
            f"        globals()[_name] = _forever\n")


def hostile_cases() -> dict[str, dict]:
    """tests/corpus/hostile_class: {case: {exercise, naive, needs, timeout, ...}}."""
    return load("hostile_class", needs=[], timeout=False, contain=False, naive_mode="inprocess")


def _placeholders(out: Path, student: str) -> dict[str, str]:
    return {"REPO": str(ROOT), "OUT": str(out), "STUDENT": student, "TOKEN": new_token()}


# ---------------------------------------------------------------------------------------------------
# The generated class
# ---------------------------------------------------------------------------------------------------


def _key(name: str) -> str:
    return (ROOT / "solutions" / f"{name}.py").read_text()


def mutants_by_exercise() -> dict[str, list[dict]]:
    """The mutant corpus's cases of each exercise: whole modules, each making known mistakes (their ids)."""
    by_exercise: dict[str, list[dict]] = {name: [] for name in EXERCISES}
    for case in load("mutants").values():
        by_exercise[case["exercise"]].append(case)
    return by_exercise


def _broken(kind: str, name: str, folder: Path) -> None:
    path = folder / f"{name}.py"
    source = _key(name)
    if kind == "syntax":
        path.write_text(source + "\n\ndef unfinished(:\n    pass\n")
    elif kind == "missing":
        path.unlink()
    elif kind == "misnamed":
        path.rename(folder / f"{name.upper()}.py")
    elif kind == "stub":
        shutil.copyfile(ROOT / "exercises" / f"{name}.py", path)
    elif kind == "raise_at_import":
        path.write_text("raise RuntimeError('left-over debugging')\n" + source)
    elif kind == "exit_at_import":
        path.write_text("import sys\nsys.exit(3)\n" + source)
    elif kind == "missing_import":
        path.write_text("from my_helpers import *  # a helper module the student did not submit\n" + source)
    else:
        raise ValueError(kind)


BROKEN_KINDS = ("syntax", "missing", "misnamed", "stub", "raise_at_import", "exit_at_import", "missing_import")
SHARES = (("correct", 0.40), ("wrong", 0.20), ("broken", 0.15), ("hostile", 0.13), ("timeout", 0.12))


def plan(n: int) -> list[str]:
    """The kind of each of n students: the shares above, rounded, the remainder correct; fixed order."""
    counts = {kind: int(round(share * n)) for kind, share in SHARES}
    counts["correct"] += n - sum(counts.values())
    kinds = [kind for kind, _ in SHARES for _ in range(counts[kind])]
    random.Random(n).shuffle(kinds)
    return kinds


def generate_class(dest: Path, n: int = 200, *, out: Path, active_protections=(), seed: int = 2026) -> dict[str, str]:
    """Writes n student folders into dest; returns {student: description}. Hostile cases whose protections are
    missing on this machine are replaced by harmless timeouts (a benchmark must not run them unprotected)."""
    rng = random.Random(seed)
    cases = hostile_cases()
    mutants = mutants_by_exercise()
    safe = [c for c in cases.values() if not missing_needs(c, active_protections)]
    hostile = [c for c in safe if not c["timeout"]]
    hostile_timeouts = [c for c in safe if c["timeout"]]
    described, timeouts = {}, 0
    for i, kind in enumerate(plan(n)):
        student = f"s{i:03d}"
        folder = dest / student
        folder.mkdir(parents=True)
        for name in EXERCISE_NAMES:
            (folder / f"{name}.py").write_text(_key(name))
        name = rng.choice(EXERCISE_NAMES)
        if kind == "wrong":
            changed = rng.sample(EXERCISE_NAMES, rng.choice((1, 2)))
            injected = []
            for other in changed:
                mutant = rng.choice(mutants[other])
                materialize(mutant, folder, key=False)
                injected += mutant["mistakes"]
            detail = "+".join(injected)
        elif kind == "broken":
            broken = rng.choice(BROKEN_KINDS)
            _broken(broken, name, folder)
            detail = f"{name}:{broken}"
        elif kind == "hostile":
            case = hostile[i % len(hostile)]
            for path in folder.iterdir():
                path.unlink()
            materialize(case, folder, **_placeholders(out, student))
            detail = case["name"]
        elif kind == "timeout":  # half of them burn a core until killed, half wait
            variant = TIMEOUTS[timeouts % len(TIMEOUTS)]
            timeouts += 1
            case = cases.get(variant)
            if case is not None and case in hostile_timeouts:
                for path in folder.iterdir():
                    path.unlink()
                materialize(case, folder, **_placeholders(out, student))
                detail = case["name"]
            else:
                body = BLOCKING.get(variant, SPIN)  # a hostile case missing here: a plain busy loop
                (folder / f"{name}.py").write_text(_key(name) + body + hang_entry(name))
                detail = f"{name}:{variant if variant in BLOCKING else 'spin'}"
        else:
            detail = ""
        described[student] = f"{kind}:{detail}" if kind != "correct" else kind
    return described


# ---------------------------------------------------------------------------------------------------
# The same class as notebooks
# ---------------------------------------------------------------------------------------------------


def _answer_cells(template: list[dict], exercise: str) -> list[dict]:
    from seqlab.notebooks.cells import CODE_ID, grade_id, is_answer_cell

    cells = []
    for cell in template:
        gid = grade_id(cell)
        match = CODE_ID.match(gid) if gid else None
        if match and match["exercise"] == exercise and is_answer_cell(cell):
            cells.append(cell)
    return cells


def _fill_answers(cells: list[dict], source: str | None) -> None:
    """Puts a whole module into the exercise's first answer cell and empties the others: the module nbgrader's
    static extraction then builds is the provided cells followed by the student's own file."""
    if source is None or not cells:
        return  # a missing module: the stubs stay
    cells[0]["source"] = source
    for cell in cells[1:]:
        cell["source"] = ""


def to_notebook(modules: dict[str, str | None], release: Path | None = None) -> str:
    """The released notebook with `modules` ({exercise: source or None}) in its answer cells."""
    release = release or ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    document = json.loads(release.read_text())
    for exercise in EXERCISE_NAMES:
        _fill_answers(_answer_cells(document["cells"], exercise), modules.get(exercise))
    for cell in document["cells"]:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return json.dumps(document, indent=1)


def class_as_notebooks(modules_root: Path, dest: Path, assignment: str = ASSIGNMENT, release: Path | None = None) -> None:
    """dest/<student>/<assignment>/<assignment>.ipynb (nbgrader's submitted/ layout) for every module folder;
    `release`: the released notebook to fill (default: exercises/<assignment>/)."""
    for folder in sorted(p for p in modules_root.iterdir() if p.is_dir()):
        modules = {}
        for name in EXERCISE_NAMES:
            path = folder / f"{name}.py"
            modules[name] = path.read_text() if path.is_file() and not path.is_symlink() else None
        target = dest / folder.name / assignment
        target.mkdir(parents=True)
        (target / f"{assignment}.ipynb").write_text(to_notebook(modules, release))
