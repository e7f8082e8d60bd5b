"""Known wrong versions of each exercise, used to name a student's mistake.

When a submission's result is wrong, the grader (in the trusted parent) runs each known mistake on the same
inputs and, if the submission reproduces one of them, says which mistake it looks like. Each mistake is a
whole API (functions / classes under the exercise's names) so that it goes through the same driver as the
student's module. Order matters: the first match is reported, so specific mistakes come first.

These are instructor material: they sit next to the answers and never ship in a student release.
"""

from dataclasses import dataclass
from types import SimpleNamespace


@dataclass(frozen=True)
class Mistake:
    key: str
    message: str  # what the student most likely did, in the course's notation
    api: SimpleNamespace
