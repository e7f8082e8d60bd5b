"""Where a check's inputs come from: the public seed, or a secret seed per assignment and student.

Public checks use one fixed seed, so a student can rerun any check and see the same inputs. Official
grading derives the seed from a secret the students never see, the assignment and the student:

    seed = first 8 bytes of HMAC-SHA256(secret, "<assignment>/<student>")

so the same submission always gets the same official inputs (and score), and answers hard-coded to the
public inputs are worth nothing there.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PUBLIC_SEED = 20261125
ASSIGNMENT = "rnn_to_attention"
SECRET_ENV = "SEQLAB_SECRET_FILE"


@dataclass(frozen=True)
class SeedSource:
    kind: str  # "public" or "official"
    seed: int
    student: str | None = None

    def rng(self, exercise: str, check: str) -> np.random.Generator:
        """An independent stream per check: adding a check never changes another check's inputs."""
        return np.random.default_rng([self.seed, zlib.crc32(f"{exercise}/{check}".encode())])


PUBLIC = SeedSource("public", PUBLIC_SEED)


def default_secret_file(root: Path) -> Path:
    return Path(os.environ.get(SECRET_ENV, root / ".seqlab" / "secret"))


def load_secret(path: Path, create: bool = False) -> bytes:
    """The course's grading secret. With create=True, a missing one is made (0600, 32 random bytes)."""
    if not path.exists():
        if not create:
            from seqlab.grading.rerun import python

            raise FileNotFoundError(f"no grading secret at {path}; create one with `{python()} -m seqlab secret "
                                    f"--create` or point {SECRET_ENV} at it")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    text = path.read_text().strip()
    if len(text) < 32:
        raise ValueError(f"the grading secret in {path} is too short ({len(text)} characters; need >= 32)")
    return text.encode()


def official(secret: bytes, student: str, assignment: str = ASSIGNMENT) -> SeedSource:
    if not student or "/" in student:
        raise ValueError(f"an official seed needs a student id without '/', got {student!r}")
    digest = hmac.new(secret, f"{assignment}/{student}".encode(), hashlib.sha256).digest()
    return SeedSource("official", int.from_bytes(digest[:8], "big"), student)
