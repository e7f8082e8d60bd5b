"""What a case's right answer is, and what each known mistake would have produced.

Two sources, one interface:

* ``ReferenceOracle`` (the instructor's repository): runs ``reference/`` and ``reference/mistakes/`` in this
  trusted process, on float64 copies of the inputs, after the student's child has exited.
* ``DataOracle`` (a student release): reads the same numbers, precomputed on the public inputs, from a data
  file, because a release ships no reference code.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import numpy as np

from seqlab.cases import Case
from seqlab.fingerprint import tree_hash
from seqlab.outcome import Outcome

REPO_ROOT = Path(__file__).resolve().parents[1]


def _float64(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Expected values are computed in float64 even for float32 inputs: they then carry no float32 error."""
    return {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in arrays.items()}


def reference_available(root: Path = REPO_ROOT) -> bool:
    return (root / "reference" / "__init__.py").is_file()


class ReferenceOracle:
    kind = "reference"

    def __init__(self, root: Path = REPO_ROOT):
        if not reference_available(root):
            raise FileNotFoundError(f"no reference/ in {root}: official grading needs the instructor's repository")
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        self.reference_hash = tree_hash(root / "reference")

    def expected(self, exercise: str, case: Case) -> Outcome:
        api = importlib.import_module(f"reference.{exercise}")
        return Outcome.from_call(api, case.request, _float64(case.arrays))

    def variants(self, exercise: str, case: Case):
        """(message, outcome) for each known mistake, in the order they should be reported."""
        mistakes = importlib.import_module(f"reference.mistakes.{exercise}").MISTAKES
        for mistake in mistakes:
            yield mistake.message, Outcome.from_call(mistake.api, case.request, _float64(case.arrays))


def _pack(prefix: str, outcome: Outcome, arrays: dict, meta: dict) -> None:
    for key, value in outcome.arrays.items():
        arrays[f"{prefix}|{key}"] = value
    meta[prefix] = {"floats": outcome.floats, "bad_types": outcome.bad_types, "error": outcome.error}


def _unpack(prefix: str, arrays: dict, meta: dict) -> Outcome:
    info = meta[prefix]
    start = f"{prefix}|"
    own = {k[len(start):]: v for k, v in arrays.items() if k.startswith(start)}
    error = tuple(info["error"]) if info["error"] else None
    return Outcome(own, info["floats"], info["bad_types"], error)


def export_public_data(exercise: str, cases: list[Case], oracle: ReferenceOracle, folder: Path) -> None:
    """Writes <exercise>.npz + <exercise>.json: inputs, expected outcomes and every mistake's outcome."""
    arrays, meta = {}, {"checks": {}}
    for case in cases:
        name = case.check.name
        for key, value in case.arrays.items():
            arrays[f"{name}/input|{key}"] = value
        meta["checks"][name] = {"args": case.args, "mistakes": []}
        _pack(f"{name}/expected", oracle.expected(exercise, case), arrays, meta)
        for k, (message, outcome) in enumerate(oracle.variants(exercise, case)):
            _pack(f"{name}/mistake{k}", outcome, arrays, meta)
            meta["checks"][name]["mistakes"].append(message)
    np.savez_compressed(folder / f"{exercise}.npz", **arrays)
    (folder / f"{exercise}.json").write_text(json.dumps(meta, indent=1, sort_keys=True))


class DataOracle:
    kind = "public data"

    def __init__(self, folder: Path):
        self.folder = folder
        self._loaded: dict[str, tuple[dict, dict]] = {}
        self.reference_hash = json.loads((folder / "manifest.json").read_text())["reference_hash"]

    def _load(self, exercise: str):
        if exercise not in self._loaded:
            with np.load(self.folder / f"{exercise}.npz", allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
            meta = json.loads((self.folder / f"{exercise}.json").read_text())
            self._loaded[exercise] = (arrays, meta)
        return self._loaded[exercise]

    def cases(self, exercise) -> list[Case]:
        """The public inputs exactly as the expected values were computed on."""
        arrays, meta = self._load(exercise.name)
        cases = []
        for check in exercise.checks:
            start = f"{check.name}/input|"
            inputs = {k[len(start):]: v for k, v in arrays.items() if k.startswith(start)}
            cases.append(Case(check, inputs, meta["checks"][check.name]["args"]))
        return cases

    def expected(self, exercise: str, case: Case) -> Outcome:
        arrays, meta = self._load(exercise)
        return _unpack(f"{case.check.name}/expected", arrays, meta)

    def variants(self, exercise: str, case: Case):
        arrays, meta = self._load(exercise)
        for k, message in enumerate(meta["checks"][case.check.name]["mistakes"]):
            yield message, _unpack(f"{case.check.name}/mistake{k}", arrays, meta)
