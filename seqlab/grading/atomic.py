"""Writing a file so that a reader sees the old content or the new, never half of it, even after a crash.

The content goes to a temporary file in the same folder, is flushed and fsynced, then renamed over the target
(``os.replace`` is atomic on one file system). Every report, gradebook, override file and archive is written so.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_write(path: Path, mode: str = "w", **open_kwargs):
    """``with atomic_write(path) as handle: ...``: `path` appears, complete, only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(path: Path, data, **dump_kwargs) -> None:
    with atomic_write(path) as handle:
        json.dump(data, handle, **({"indent": 2} | dump_kwargs))


def write_text(path: Path, text: str) -> None:
    with atomic_write(path, newline="") as handle:
        handle.write(text)
