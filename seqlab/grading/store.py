"""Outcomes as data: how a student release keeps the right answers and the known mistakes' outcomes, precomputed.

Thousands of outcomes (every combination of up to three mistakes, on every check) in a few archive members: the
outcomes of one case that have the same layout (output names, shapes, dtypes) are one matrix, one column per
outcome, so that what combinations share (the read-back inputs, an untouched direction) compresses to almost
nothing. ``<exercise>.npz`` holds the matrices and the public inputs, ``<exercise>.json`` the layouts and an index.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from seqlab.grading.outcome import Outcome


class OutcomeStore:
    def __init__(self, meta: dict | None = None, arrays: dict[str, np.ndarray] | None = None):
        self.meta = meta or {"layouts": [], "outcomes": {}}
        self.arrays = arrays or {}
        self._columns: dict[str, list[np.ndarray]] = {}  # while writing: matrix name -> its columns

    # writing ------------------------------------------------------------------------------------------
    def add(self, name: str, outcome: Outcome) -> None:
        """Stores one outcome under a unique name (``<case>/<variant>``)."""
        entry = {"floats": outcome.floats, "bad_types": outcome.bad_types,
                 "error": list(outcome.error) if outcome.error else None}
        if outcome.arrays:
            layout = [[key, list(value.shape), value.dtype.str] for key, value in outcome.arrays.items()]
            if layout not in self.meta["layouts"]:
                self.meta["layouts"].append(layout)
            matrix = f"{name.split('/')[0]}#{self.meta['layouts'].index(layout)}"
            column = np.concatenate([value.astype(np.float64).ravel() for value in outcome.arrays.values()])
            self._columns.setdefault(matrix, []).append(column)
            entry["at"] = [matrix, len(self._columns[matrix]) - 1]
        self.meta["outcomes"][name] = entry

    def save(self, npz: Path, json_path: Path, inputs: dict[str, np.ndarray]) -> None:
        matrices = {name: np.stack(columns, axis=1) for name, columns in self._columns.items()}  # (entries, outcomes)
        np.savez_compressed(npz, **inputs, **matrices)
        json_path.write_text(json.dumps(self.meta, separators=(",", ":"), sort_keys=True))

    # reading ------------------------------------------------------------------------------------------
    @classmethod
    def load(cls, npz: Path, json_path: Path) -> "OutcomeStore":
        with np.load(npz, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        return cls(json.loads(json_path.read_text()), arrays)

    def has(self, name: str) -> bool:
        return name in self.meta["outcomes"]

    def get(self, name: str) -> Outcome:
        entry = self.meta["outcomes"][name]
        arrays = {}
        if "at" in entry:
            matrix, column = entry["at"]
            flat = self.arrays[matrix][:, column]
            start = 0
            for key, shape, dtype in self.meta["layouts"][int(matrix.rsplit("#", 1)[1])]:
                size = int(np.prod(shape, dtype=np.int64))
                arrays[key] = flat[start:start + size].reshape(shape).astype(np.dtype(dtype))
                start += size
        error = tuple(entry["error"]) if entry["error"] else None
        return Outcome(arrays, dict(entry["floats"]), dict(entry["bad_types"]), error)
