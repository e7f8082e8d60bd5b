"""Outcomes as data: how a student release keeps the right answers and the known mistakes' outcomes, precomputed.

Thousands of outcomes (every combination of up to three mistakes, on every check) in a few archive members: the
outcomes of one case that have the same layout (output names, shapes, dtypes) are one matrix, one column per
distinct outcome (many combinations compute the same thing on a case where one of their mistakes does not show),
so that what the columns share (the read-back inputs, an untouched direction) compresses to almost nothing.
``<exercise>.npz`` holds the matrices and the public inputs, ``<exercise>.json`` the layouts and an index.
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
        entry = {key: value for key, value in (("bad_types", outcome.bad_types),
                                               ("error", list(outcome.error) if outcome.error else None)) if value}
        if outcome.arrays or outcome.floats:
            # The layout: each array's name, shape and dtype, then the names of the floats (one entry each).
            layout = [[key, list(value.shape), value.dtype.str] for key, value in outcome.arrays.items()] + \
                [[key, None, "float"] for key in outcome.floats]
            if layout not in self.meta["layouts"]:
                self.meta["layouts"].append(layout)
            matrix = f"{name.split('/')[0]}#{self.meta['layouts'].index(layout)}"
            column = np.concatenate([value.astype(np.float64).ravel() for value in outcome.arrays.values()]
                                    + [np.asarray(list(outcome.floats.values()), dtype=np.float64)])
            self._columns.setdefault(matrix, []).append(column)
            entry["at"] = [matrix, len(self._columns[matrix]) - 1]
        self.meta["outcomes"][name] = entry

    def save(self, npz: Path, json_path: Path, inputs: dict[str, np.ndarray]) -> None:
        matrices = {}
        for name, columns in self._columns.items():
            # One column per distinct outcome (NaN included): equal outcomes share it.
            keys = [column.tobytes() for column in columns]
            first: dict[bytes, int] = {}
            for k, key in enumerate(keys):
                first.setdefault(key, k)
            where = {key: n for n, key in enumerate(first)}
            matrices[name] = np.stack([columns[k] for k in first.values()], axis=1)  # (entries, distinct outcomes)
            for entry in self.meta["outcomes"].values():
                if entry.get("at", [None])[0] == name:
                    entry["at"][1] = where[keys[entry["at"][1]]]
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
        arrays, floats = {}, {}
        if "at" in entry:
            matrix, column = entry["at"]
            flat = self.arrays[matrix][:, column]
            start = 0
            for key, shape, dtype in self.meta["layouts"][int(matrix.rsplit("#", 1)[1])]:
                if shape is None:  # a float
                    floats[key] = float(flat[start])
                    start += 1
                    continue
                size = int(np.prod(shape, dtype=np.int64))
                arrays[key] = flat[start:start + size].reshape(shape).astype(np.dtype(dtype))
                start += size
        error = tuple(entry["error"]) if entry.get("error") else None
        return Outcome(arrays, floats, dict(entry.get("bad_types", {})), error)
