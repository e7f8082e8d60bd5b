"""The environment of a pytest run that a test starts in a subprocess.

Under pytest-xdist (``make test`` runs the suite on every core) a worker's environment holds PYTEST_XDIST_WORKER
and its siblings; a pytest started from a test inherits them, and pytest-benchmark then switches itself off as
if it ran under xdist (no --benchmark-json is written). The nested run gets the environment without them.
"""

from __future__ import annotations

import os


def environment(**extra: str) -> dict[str, str]:
    """os.environ without pytest-xdist's worker variables, with `extra` added."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST_")}, **extra}
