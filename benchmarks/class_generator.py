"""A generated class for the class-grading benchmark, and the student folders of the hostile corpus.

    generate_class(dest, n)  ->  dest/<student>/<exercise>.py for n students, a fixed mix (seeded):

        correct   40%  the answer key (solutions/)
        wrong     20%  the key with one or two exercises changed by a known mistake
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
import secrets
import shutil
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "hostile_class"
EXERCISE_NAMES = ("gradient_clipping", "bidirectional_rnn", "gru", "attention")
ASSIGNMENT = "rnn_to_attention"

# A known mistake per exercise, as a text change of the answer key.
MISTAKES = {
    "gradient_clipping": ("coef = min(1.0, max_norm / (total + 1e-6))", "coef = max_norm / (total + 1e-6)"),
    "bidirectional_rnn": ("self.Whh_f @ h", "self.Whh_b @ h"),
    "gru": ("h = (1 - z) * n + z * h_prev", "h = z * n + (1 - z) * h_prev"),
    "attention": ("S = S / math.sqrt(E.shape[-1])", "S = S / E.shape[-1]"),
}
SPIN = "\n\ndef _forever(*args, **kwargs):\n    while True:\n        pass\n"
BLOCKING = {
    "sleep": "\n\ndef _forever(*args, **kwargs):\n    import time\n    time.sleep(3600)\n",
    "pause": "\n\ndef _forever(*args, **kwargs):\n    import signal\n    signal.pause()\n",
    "wait": "\n\ndef _forever(*args, **kwargs):\n    import threading\n    threading.Event().wait()\n",
}
# How the timeouts of a class run into the wall-clock limit, in turn: half burn a core until they are killed
# (a busy loop; hostile cases that ignore signals or flood stdout), half wait (sleep, pause, an event).
TIMEOUTS = ("spin", "sleep", "ignore_signals_spin", "pause", "stdout_flood", "wait")
# What each exercise's API is, to point it at _forever.
ENTRY = {
    "gradient_clipping": "clip_grad_norm = clip_grad_value = _forever\n",
    "bidirectional_rnn": "BidirectionalRNN.forward = _forever\n",
    "gru": "GRUCell.forward = _forever\n",
    "attention": "similarity_matrix = softmax = attention_weights = self_attention = _forever\n",
}


# ---------------------------------------------------------------------------------------------------
# The hostile corpus
# ---------------------------------------------------------------------------------------------------


def load_cases() -> dict[str, dict]:
    """tests/corpus/hostile_class/cases.toml: {case: {exercise, naive, needs, timeout, ...}}."""
    cases = tomllib.loads((CORPUS / "cases.toml").read_text())
    for name, case in cases.items():
        case.setdefault("needs", [])
        case.setdefault("timeout", False)
        case.setdefault("contain", False)
        case.setdefault("naive_mode", "inprocess")
        case["name"] = name
    return cases


def missing_needs(case: dict, active) -> list[str]:
    """The protections a case relies on that are not active ("a|b": either one will do)."""
    return [need for need in case["needs"] if not any(option in active for option in need.split("|"))]


def fill(text: str, **values: str) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def new_token() -> str:
    """A process name (at most 15 characters) that marks every process of one hostile case."""
    return "hx" + secrets.token_hex(5)


def materialize(case: dict, dest: Path, *, out: Path, student: str, token: str, others: bool = True) -> Path:
    """Writes one hostile student's folder: the case's files (placeholders filled) and, with `others`, the answer
    key for the other three exercises. Returns dest."""
    dest.mkdir(parents=True, exist_ok=True)
    if others:
        for name in EXERCISE_NAMES:
            if name != case["exercise"]:
                shutil.copyfile(ROOT / "solutions" / f"{name}.py", dest / f"{name}.py")
    folder = CORPUS / case["name"]
    values = {"REPO": str(ROOT), "OUT": str(out), "STUDENT": student, "TOKEN": token}
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        (dest / path.name).write_text(fill(path.read_text(), **values))
    if case.get("symlink"):
        link = dest / f"{case['exercise']}.py"
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(ROOT / case["symlink"])
    return dest


# ---------------------------------------------------------------------------------------------------
# The generated class
# ---------------------------------------------------------------------------------------------------


def _key(name: str) -> str:
    return (ROOT / "solutions" / f"{name}.py").read_text()


def _mistake(name: str) -> str:
    old, new = MISTAKES[name]
    source = _key(name)
    return source.replace(old, new) if old in source else (ROOT / "exercises" / f"{name}.py").read_text()


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
    cases = load_cases()
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
            for other in changed:
                (folder / f"{other}.py").write_text(_mistake(other))
            detail = "+".join(changed)
        elif kind == "broken":
            broken = rng.choice(BROKEN_KINDS)
            _broken(broken, name, folder)
            detail = f"{name}:{broken}"
        elif kind == "hostile":
            case = hostile[i % len(hostile)]
            for path in folder.iterdir():
                path.unlink()
            materialize(case, folder, out=out, student=student, token=new_token())
            detail = case["name"]
        elif kind == "timeout":  # half of them burn a core until killed, half wait
            variant = TIMEOUTS[timeouts % len(TIMEOUTS)]
            timeouts += 1
            case = cases.get(variant)
            if case is not None and case in hostile_timeouts:
                for path in folder.iterdir():
                    path.unlink()
                materialize(case, folder, out=out, student=student, token=new_token())
                detail = case["name"]
            else:
                body = BLOCKING.get(variant, SPIN)  # a hostile case missing here: a plain busy loop
                (folder / f"{name}.py").write_text(_key(name) + body + ENTRY[name])
                detail = f"{name}:{variant if variant in BLOCKING else 'spin'}"
        else:
            detail = ""
        described[student] = f"{kind}:{detail}" if kind != "correct" else kind
    return described


# ---------------------------------------------------------------------------------------------------
# The same class as notebooks
# ---------------------------------------------------------------------------------------------------


def _answer_cells(template: list[dict], exercise: str) -> list[dict]:
    from seqlab.nbextract import CODE_ID, grade_id, is_answer_cell

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
