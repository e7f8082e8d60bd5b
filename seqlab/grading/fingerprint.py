"""A hash of the trusted math, recorded in every report: a grade is only as good as what it was judged by."""

import hashlib
from pathlib import Path


def tree_hash(folder: Path) -> str:
    """sha256 over the relative paths and contents of every .py file below folder (sorted)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
