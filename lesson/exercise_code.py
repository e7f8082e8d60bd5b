"""Which implementation of an exercise each section runs: the student's own, once it passes its public checks.

    code = choose(ROOT)              # grades the exercises once (in a release) and imports the ones that pass
    code.clipping                    # SimpleRNN.train_step(clipping=...)                        sections 3 and 4
    code.GRUCell                     # the recurrence of the trained encoder-decoders            section 6
    code.softmax                     # the attention weights inside the trained torch models     sections 6 and 9
    code.self_attention              # numpy's attention in the timing grid, or None             section 7
    print(code.says("softmax", 9))   # the one line that says which one section 9 runs

Where each comes from:
- the instructor's repository (reference/ is there): reference/'s, as the committed results in lesson/output/
  were made;
- a student release: each exercise is first graded with its public checks by the usual sandboxed grader
  (seqlab.grading.grader.grade, on the release's public data). The module of an exercise whose checks all pass
  is then imported into this process: the student's own code, on the student's own machine. An exercise that
  does not pass yet is replaced by torch's equivalent (lesson.torch_equivalents), which is not the answer key,
  and the section says so in one line.
The bidirectional RNN is used by no section (section 8 says why a next-character model cannot use one).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from seqlab.grading.grader import grade
from seqlab.grading.oracle import default_oracle, reference_available
from seqlab.grading.registry import EXERCISES

from . import torch_equivalents
from .numpy_in_torch import torch_softmax_from

# What a section calls -> (the exercise that implements it, torch's equivalent, in words).
USES = {
    "clip_grad_norm": ("gradient_clipping", "torch.nn.utils.clip_grad_norm_"),
    "GRUCell": ("gru", "torch.nn.GRUCell"),
    "softmax": ("attention", "torch.softmax"),
    "self_attention": ("attention", "F.scaled_dot_product_attention (and no numpy attention is timed)"),
}
YOURS, TORCH, REFERENCE = "yours", "torch", "reference"


@dataclass(frozen=True)
class Choice:
    exercise: str
    source: str                # YOURS, TORCH or REFERENCE
    module: object | None      # the exercise's module (the student's or reference/'s); None: torch's equivalent
    score: float | None = None  # the public checks' score (in a release)
    max_score: float | None = None


class Chosen:
    """The implementation each use gets (see the module docstring), and the lines that say so."""

    def __init__(self, choices: dict[str, Choice]):
        self.choices = choices

    def _module(self, exercise):
        return self.choices[exercise].module or torch_equivalents

    @property
    def clipping(self):
        """An object with clip_grad_norm(grads, max_norm) and clip_grad_value(grads, clip_value), in place."""
        return self._module("gradient_clipping")

    @property
    def GRUCell(self):
        """Exercise 3's class: GRUCell(input_size, hidden_size), attributes W_ih, W_hh, b_ih, b_hh, forward(x, h)."""
        return self._module("gru").GRUCell

    @property
    def softmax(self):
        """scores (a torch tensor) -> softmax over the last axis, with gradients."""
        module = self.choices["attention"].module
        return torch_equivalents.softmax if module is None else torch_softmax_from(module.softmax)

    @property
    def self_attention(self):
        """numpy self_attention(E) -> (O, A), or None while only torch's attention can stand in."""
        module = self.choices["attention"].module
        return None if module is None else module.self_attention

    def says(self, use, section):
        """The one line that says which implementation of `use` section `section` runs, and why."""
        exercise, equivalent = USES[use]
        choice = self.choices[exercise]
        if choice.source == REFERENCE:
            return f"Section {section} uses reference/'s {use} (this is the instructor's repository)."
        if choice.source == YOURS:
            return (f"Section {section} uses your {use} (exercises/{EXERCISES[exercise].file_name}): "
                    f"it passes its public checks.")
        return (f"Section {section}: your {use} does not pass its checks yet ({choice.score:g}/{choice.max_score:g}), "
                f"so this run uses torch's {equivalent}; once it passes, this section uses yours.")

    def sources(self):
        """{exercise: YOURS, TORCH or REFERENCE}: where each exercise's code came from."""
        return {exercise: choice.source for exercise, choice in self.choices.items()}

    def status(self):
        """One line: the public score of each exercise a section uses, or that reference/ is used."""
        used = dict.fromkeys(exercise for exercise, _ in USES.values())
        if all(self.choices[e].source == REFERENCE for e in used):
            return f"The sections that use an exercise ({', '.join(used)}) run reference/'s implementation."
        scores = ", ".join(f"{e} {self.choices[e].score:g}/{self.choices[e].max_score:g}" for e in used)
        return (f"Your exercises by their public checks: {scores}. A section uses your code for an exercise once "
                f"all its checks pass (make grade shows what fails).")


def _import_student_module(path: Path, exercise: str):
    spec = importlib.util.spec_from_file_location(f"your_{exercise}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def choose(root: Path, folder: Path | None = None) -> Chosen:
    """The implementations for a lesson run from `root` (the repository, or a release), with the student's
    exercises in `folder` (default root/exercises)."""
    used = dict.fromkeys(exercise for exercise, _ in USES.values())
    if reference_available(root):
        return Chosen({e: Choice(e, REFERENCE, importlib.import_module(f"reference.{e}")) for e in used})
    folder = root / "exercises" if folder is None else folder
    report = grade(folder, default_oracle())
    choices = {}
    for exercise in used:
        result = report.exercises[exercise]
        if result.score == result.max_score:
            module = _import_student_module(folder / EXERCISES[exercise].file_name, exercise)
            choices[exercise] = Choice(exercise, YOURS, module, result.score, result.max_score)
        else:
            choices[exercise] = Choice(exercise, TORCH, None, result.score, result.max_score)
    return Chosen(choices)
