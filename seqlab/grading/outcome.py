"""What one check produced, as raw data: arrays, floats, the type names of anything else, or an error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from seqlab.grading import driver


@dataclass
class Outcome:
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    floats: dict[str, float] = field(default_factory=dict)
    bad_types: dict[str, str] = field(default_factory=dict)
    error: tuple[str, str] | None = None  # (kind, text): not_implemented, missing, error, import, crash
    record: dict = field(default_factory=dict)  # the error as data (driver.error_record), or the warnings raised

    @classmethod
    def from_call(cls, function: Callable, api, arrays: dict[str, np.ndarray], args: dict) -> "Outcome":
        """Runs trusted code (reference or a known mistake) through the same call as the child."""
        outputs, error = driver.call(function, api, arrays, args)
        if error is not None:
            return cls(error=error)
        raw_arrays, floats, bad_types = driver.to_raw(outputs)
        return cls(raw_arrays, floats, bad_types)


def _text(value, limit: int = 400) -> str:
    return str(value)[:limit]


def clean_record(raw) -> dict:
    """A child's error record or warnings, as the grading process keeps them: known fields only, plain types,
    bounded sizes (the child is untrusted; the record only ever becomes words in its own report)."""
    if not isinstance(raw, dict):
        return {}
    record = {}
    for key in ("type", "message", "in", "function", "text"):
        if key in raw:
            record[key] = _text(raw[key])
    if isinstance(raw.get("line"), int):
        record["line"] = raw["line"]
    if isinstance(raw.get("shapes"), dict):
        record["shapes"] = {_text(name, 40): tuple(int(n) for n in shape[:8])
                            for name, shape in list(raw["shapes"].items())[:32]
                            if isinstance(shape, list) and all(isinstance(n, int) for n in shape)}
    if isinstance(raw.get("warnings"), list):
        record["warnings"] = [{key: (w[key] if key == "line" and isinstance(w.get(key), int) else _text(w.get(key, "")))
                               for key in ("category", "message", "line", "text")}
                              for w in raw["warnings"][:5] if isinstance(w, dict)]
    return record
