"""The course's nbgrader configuration as nbgrader's own code loads it, for the commands that drive nbgrader."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def course_config(root: Path, scratch_db: Path | None = None):
    """The course's nbgrader configuration (root/nbgrader_config.py), optionally moved to a scratch root and db."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    config_file = root / "nbgrader_config.py"
    if config_file.is_file():
        config.merge(PyFileConfigLoader(config_file.name, path=str(root)).load_config())
    override = Config()
    override.CourseDirectory.root = str(scratch_db.parent if scratch_db else root)
    if scratch_db:
        override.CourseDirectory.db_url = f"sqlite:///{scratch_db}"
    config.merge(override)
    return config


def ensure_bin_on_path() -> None:
    """nbgrader runs `alembic` as a subprocess when it creates a gradebook: it must be on PATH."""
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, [bin_dir, os.environ.get("PATH")]))
