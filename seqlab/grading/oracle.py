"""What a case's inputs and right answer are, and what each known mistake would have produced.

Two sources, one interface (``cases``, ``expected``, ``variants``):

* ``ReferenceOracle`` (the instructor's repository): draws the inputs from a seed (public, or official per
  student) and runs ``reference/`` and ``reference/mistakes/`` in this trusted process, on float64 copies of the
  inputs, after the student's child has exited.
* ``DataOracle`` (a student release): reads the public inputs and the same numbers, precomputed, from data
  files, because a release ships no reference code; it cannot grade on official inputs.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Collection, Iterator

import numpy as np

from seqlab.grading.cases import Case, build_cases
from seqlab.grading.fingerprint import tree_hash
from seqlab.grading.outcome import Outcome
from seqlab.grading.seeds import PUBLIC, SeedSource
from seqlab.grading.spec import Exercise, Mistake

REPO_ROOT = Path(__file__).resolve().parents[2]


def _float64(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Expected values are computed in float64 even for float32 inputs: they then carry no float32 error."""
    return {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in arrays.items()}


def reference_available(root: Path = REPO_ROOT) -> bool:
    return (root / "reference" / "__init__.py").is_file()


def _call(exercise: Exercise, case: Case):
    return getattr(exercise.calls, case.check.call)


class ReferenceOracle:
    kind = "reference"

    def __init__(self, root: Path = REPO_ROOT):
        if not reference_available(root):
            raise FileNotFoundError(f"no reference/ in {root}: official grading needs the instructor's repository")
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        self.root = root
        self.reference_hash = tree_hash(root / "reference")

    def cases(self, exercise: Exercise, source: SeedSource, checks: Collection[str] | None = None) -> list[Case]:
        return build_cases(exercise, source, checks)

    def expected(self, exercise: Exercise, case: Case) -> Outcome:
        api = importlib.import_module(f"reference.{exercise.name}")
        return Outcome.from_call(_call(exercise, case), api, _float64(case.arrays), case.args)

    def variants(self, exercise: Exercise, case: Case) -> Iterator[tuple[Mistake, Outcome]]:
        """(mistake, outcome) for each known mistake, in the order the spec gives them."""
        variants = importlib.import_module(f"reference.mistakes.{exercise.name}").VARIANTS
        for mistake in exercise.mistakes:
            yield mistake, Outcome.from_call(_call(exercise, case), variants[mistake.key], _float64(case.arrays),
                                             case.args)


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


def export_public_data(exercise: Exercise, oracle: ReferenceOracle, folder: Path) -> None:
    """Writes <exercise>.npz + <exercise>.json: public inputs, expected outcomes and every mistake's outcome."""
    arrays, meta = {}, {"checks": {}}
    for case in oracle.cases(exercise, PUBLIC):
        name = case.check.name
        for key, value in case.arrays.items():
            arrays[f"{name}/input|{key}"] = value
        meta["checks"][name] = {"args": case.args, "mistakes": []}
        _pack(f"{name}/expected", oracle.expected(exercise, case), arrays, meta)
        for mistake, outcome in oracle.variants(exercise, case):
            _pack(f"{name}/mistake:{mistake.key}", outcome, arrays, meta)
            meta["checks"][name]["mistakes"].append(mistake.key)
    np.savez_compressed(folder / f"{exercise.name}.npz", **arrays)
    (folder / f"{exercise.name}.json").write_text(json.dumps(meta, indent=1, sort_keys=True))


class DataOracle:
    kind = "public data"

    def __init__(self, folder: Path):
        self.folder = folder
        self._loaded: dict[str, tuple[dict, dict]] = {}
        self.reference_hash = json.loads((folder / "manifest.json").read_text())["reference_hash"]

    def _load(self, exercise: Exercise):
        if exercise.name not in self._loaded:
            with np.load(self.folder / f"{exercise.name}.npz", allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
            meta = json.loads((self.folder / f"{exercise.name}.json").read_text())
            self._loaded[exercise.name] = (arrays, meta)
        return self._loaded[exercise.name]

    def cases(self, exercise: Exercise, source: SeedSource, checks: Collection[str] | None = None) -> list[Case]:
        """The public inputs exactly as the expected values were computed on."""
        if source.kind != "public":
            raise ValueError("the public data holds the public inputs only: official grading needs reference/")
        arrays, meta = self._load(exercise)
        cases = []
        for check in exercise.select(checks):
            start = f"{check.name}/input|"
            inputs = {k[len(start):]: v for k, v in arrays.items() if k.startswith(start)}
            cases.append(Case(check, inputs, meta["checks"][check.name]["args"]))
        return cases

    def expected(self, exercise: Exercise, case: Case) -> Outcome:
        arrays, meta = self._load(exercise)
        return _unpack(f"{case.check.name}/expected", arrays, meta)

    def variants(self, exercise: Exercise, case: Case) -> Iterator[tuple[Mistake, Outcome]]:
        arrays, meta = self._load(exercise)
        for key in meta["checks"][case.check.name]["mistakes"]:
            yield exercise.mistake(key), _unpack(f"{case.check.name}/mistake:{key}", arrays, meta)


PUBLIC_DATA = Path(__file__).resolve().parent / "public_data"  # filled in a student release only


def default_oracle(official: bool = False):
    """The reference when this is the instructor's repository, else the release's public data."""
    if reference_available():
        return ReferenceOracle()
    if official:
        raise FileNotFoundError("official grading needs the instructor's repository (reference/ is not here)")
    if not (PUBLIC_DATA / "manifest.json").is_file():
        raise FileNotFoundError(f"neither reference/ nor the public data ({PUBLIC_DATA}) is present: "
                                f"this copy of seqlab cannot grade")
    return DataOracle(PUBLIC_DATA)
