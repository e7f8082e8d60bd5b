"""What a case's inputs and right answer are, and what each known mistake, alone or combined, would have produced.

Two sources, one interface (``cases``, ``expected``, ``switches``, ``combinable``, ``variant``):

* ``ReferenceOracle`` (the instructor's repository): draws the inputs from a seed (public, or official per
  student) and runs ``reference/`` and ``reference/mistakes/`` in this trusted process, on float64 copies of the
  inputs, after the student's child has exited.
* ``DataOracle`` (a student release): reads the public inputs and the same numbers, precomputed, from data
  files (``seqlab.grading.store``), because a release ships no reference code; it cannot grade on official inputs.

A known mistake is a switch of a parameterised reference: ``reference/mistakes/<name>.py`` defines
``variant(**switches)`` and ``SWITCHES`` (mistake key -> the switch values that make it), so that mistakes combine.
A module may instead define ``VARIANTS`` (mistake key -> a whole API making that one mistake): its mistakes are then
named alone, never combined.
"""

from __future__ import annotations

import importlib
import json
import sys
from itertools import combinations
from pathlib import Path
from typing import Collection

import numpy as np

from seqlab.grading.cases import Case, build_cases
from seqlab.grading.combinations import MAX_SWITCHES
from seqlab.grading.fingerprint import tree_hash
from seqlab.grading.judge import matches
from seqlab.grading.outcome import Outcome
from seqlab.grading.probes import probe_cases, probe_of
from seqlab.grading.seeds import PUBLIC, SeedSource
from seqlab.grading.spec import Exercise
from seqlab.grading.store import OutcomeStore
from seqlab.grading.tolerance import for_inputs

REPO_ROOT = Path(__file__).resolve().parents[2]


def _float64(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Expected values are computed in float64 even for float32 inputs: they then carry no float32 error."""
    return {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in arrays.items()}


def reference_available(root: Path = REPO_ROOT) -> bool:
    return (root / "reference" / "__init__.py").is_file()


def _call(exercise: Exercise, case: Case):
    return getattr(exercise.calls, case.check.call)


def compatible(switches: dict[str, frozenset], keys: tuple[str, ...]) -> bool:
    """Whether mistakes can be combined: no two of them set the same switch."""
    sets = [switches[key] for key in keys]
    return sum(len(s) for s in sets) == len(frozenset().union(*sets))


class ReferenceOracle:
    kind = "reference"

    def __init__(self, root: Path = REPO_ROOT):
        if not reference_available(root):
            raise FileNotFoundError(f"no reference/ in {root}: official grading needs the instructor's repository")
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        self.root = root
        self.reference_hash = tree_hash(root / "reference")
        self._apis: dict[tuple, object] = {}
        self._switches: dict[str, dict[str, frozenset]] = {}

    def cases(self, exercise: Exercise, source: SeedSource, checks: Collection[str] | None = None) -> list[Case]:
        return build_cases(exercise, source, checks)

    def expected(self, exercise: Exercise, case: Case) -> Outcome:
        api = importlib.import_module(f"reference.{exercise.name}")
        return Outcome.from_call(_call(exercise, case), api, _float64(case.arrays), case.args)

    def _mistakes(self, exercise: Exercise):
        return importlib.import_module(f"reference.mistakes.{exercise.name}")

    def combinable(self, exercise: Exercise) -> bool:
        return hasattr(self._mistakes(exercise), "SWITCHES")

    def switches(self, exercise: Exercise) -> dict[str, frozenset]:
        """mistake key -> the names of the switches it sets, in the spec's order."""
        if exercise.name not in self._switches:
            module = self._mistakes(exercise)
            table = module.SWITCHES if hasattr(module, "SWITCHES") else {key: {key: True} for key in module.VARIANTS}
            self._switches[exercise.name] = {m.key: frozenset(table[m.key]) for m in exercise.mistakes
                                             if m.key in table}
        return self._switches[exercise.name]

    def _api(self, exercise: Exercise, keys: tuple[str, ...]):
        if (exercise.name, keys) not in self._apis:
            module = self._mistakes(exercise)
            if hasattr(module, "SWITCHES"):
                settings = {}
                for key in keys:
                    settings |= module.SWITCHES[key]
                self._apis[exercise.name, keys] = module.variant(**settings)
            else:
                self._apis[exercise.name, keys] = module.VARIANTS[keys[0]] if len(keys) == 1 else None
        return self._apis[exercise.name, keys]

    def variant(self, exercise: Exercise, case: Case, keys: tuple[str, ...]) -> Outcome | None:
        """What the known mistakes `keys`, made together, give on this case; None when they cannot be combined."""
        switches = self.switches(exercise)
        if not compatible(switches, keys):
            return None
        api = self._api(exercise, keys)
        if api is None:
            return None
        return Outcome.from_call(_call(exercise, case), api, _float64(case.arrays), case.args)


def _exported_combinations(exercise: Exercise, oracle: ReferenceOracle,
                           cases: list[Case]) -> dict[tuple[str, ...], list[Case]]:
    """Every combination of 2 to MAX_SWITCHES mistakes that a search on these cases can ask for (as
    ``combinations.minimal_matches`` chooses them, for each function), with the checks it is asked about: the
    function's, and every check one of its mistakes changes."""
    if not oracle.combinable(exercise):
        return {}
    switches = oracle.switches(exercise)
    expected = {case.check.name: oracle.expected(exercise, case) for case in cases}
    changes = {key: [case for case in cases
                     if not _same(oracle.variant(exercise, case, (key,)), expected[case.check.name], case)]
               for key in switches}
    wanted: dict[tuple[str, ...], list[Case]] = {}
    for function in dict.fromkeys(exercise.function_of(case.check) for case in cases):
        family = [case for case in cases if exercise.function_of(case.check) == function]
        own = {key for key in switches if any(case in family for case in changes[key])}
        reached = [case for key in own for case in changes[key]]
        relevant = [key for key in switches if key in own or any(case in reached for case in changes[key])]
        for size in range(2, MAX_SWITCHES + 1):
            for combo in combinations(relevant, size):
                if compatible(switches, combo) and own & set(combo):
                    asked = wanted.setdefault(combo, [])
                    asked += [case for case in family + [c for key in combo for c in changes[key]]
                              if case not in asked]
    return wanted


def _same(a: Outcome, b: Outcome, case: Case) -> bool:
    return a.error is None and b.error is None and matches(a, b, for_inputs(case.arrays))


def export_public_data(exercise: Exercise, oracle: ReferenceOracle, folder: Path) -> None:
    """Writes <exercise>.npz + <exercise>.json: the public inputs, the expected outcome of every check and probe,
    every mistake's outcome on each of them, and every combination's outcome on the checks of its function."""
    cases = oracle.cases(exercise, PUBLIC)
    probes = [case for case in probe_cases(exercise, cases) if probe_of(exercise, case).relation is None]
    store, inputs = OutcomeStore(), {}
    # A list, not a dict: the mistakes' order (the spec's) names the combinations, and the JSON's keys are sorted.
    store.meta |= {"args": {}, "switches": [[k, sorted(v)] for k, v in oracle.switches(exercise).items()],
                   "combinable": oracle.combinable(exercise)}
    for case in cases:
        store.meta["args"][case.check.name] = case.args
        inputs |= {f"{case.check.name}/input|{key}": value for key, value in case.arrays.items()}
    for case in cases + probes:
        store.add(f"{case.check.name}/expected", oracle.expected(exercise, case))
        for key, _ in store.meta["switches"]:
            store.add(f"{case.check.name}/variant:{key}", oracle.variant(exercise, case, (key,)))
    for combo, asked in _exported_combinations(exercise, oracle, cases).items():
        for case in asked:
            store.add(f"{case.check.name}/variant:{'+'.join(combo)}", oracle.variant(exercise, case, combo))
    store.save(folder / f"{exercise.name}.npz", folder / f"{exercise.name}.json", inputs)


class DataOracle:
    kind = "public data"

    def __init__(self, folder: Path):
        self.folder = folder
        self._loaded: dict[str, tuple[dict[str, np.ndarray], OutcomeStore]] = {}
        self.reference_hash = json.loads((folder / "manifest.json").read_text())["reference_hash"]

    def _load(self, exercise: Exercise) -> OutcomeStore:
        if exercise.name not in self._loaded:
            self._loaded[exercise.name] = OutcomeStore.load(self.folder / f"{exercise.name}.npz",
                                                            self.folder / f"{exercise.name}.json")
        return self._loaded[exercise.name]

    def cases(self, exercise: Exercise, source: SeedSource, checks: Collection[str] | None = None) -> list[Case]:
        """The public inputs exactly as the expected values were computed on."""
        if source.kind != "public":
            raise ValueError("the public data holds the public inputs only: official grading needs reference/")
        store = self._load(exercise)
        cases = []
        for check in exercise.select(checks):
            start = f"{check.name}/input|"
            inputs = {k[len(start):]: v for k, v in store.arrays.items() if k.startswith(start)}
            cases.append(Case(check, inputs, store.meta["args"][check.name]))
        return cases

    def expected(self, exercise: Exercise, case: Case) -> Outcome:
        return self._load(exercise).get(f"{case.check.name}/expected")

    def combinable(self, exercise: Exercise) -> bool:
        return self._load(exercise).meta["combinable"]

    def switches(self, exercise: Exercise) -> dict[str, frozenset]:
        return {key: frozenset(names) for key, names in self._load(exercise).meta["switches"]}

    def variant(self, exercise: Exercise, case: Case, keys: tuple[str, ...]) -> Outcome | None:
        store = self._load(exercise)
        name = f"{case.check.name}/variant:{'+'.join(keys)}"
        return store.get(name) if store.has(name) else None


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
