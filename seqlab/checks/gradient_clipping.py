"""Checks for exercises/gradient_clipping.py: clip_grad_norm and clip_grad_value."""

import numpy as np

from seqlab.checks import Check, Exercise, normal

# Several arrays of different shapes, as an RNN's gradient dict has: a per-array norm and the global
# norm then differ, and so do "scale each array by its own norm" and the right answer.
SHAPES = {"Wxh": (5, 3), "Whh": (5, 5), "bh": (5, 1), "Why": (2, 5)}


def _grads(rng, scale, dtype=np.float64):
    return {f"grad:{name}": normal(rng, shape, scale, dtype) for name, shape in SHAPES.items()}


def _norm(p):
    def build(rng):
        grads = _grads(rng, 2.0)
        # The entry of largest magnitude is made negative: max(g) and max(|g|) then differ, so an inf-norm
        # (or odd p) taken without absolute values is caught whatever the seed.
        name = max(grads, key=lambda k: np.abs(grads[k]).max())
        g = grads[name]
        i = int(np.abs(g).argmax())
        g.flat[i] = -abs(g.flat[i])
        return grads, {"max_norm": 1.0, "norm_type": p}
    return build


def _below(rng):
    grads = _grads(rng, 0.05)  # global norm ~0.4 < max_norm: nothing may change
    return grads, {"max_norm": 5.0, "norm_type": 2.0}


def _float32(rng):
    return _grads(rng, 2.0, np.float32), {"max_norm": 0.5, "norm_type": 2.0}


def _empty(rng):
    return {}, {"max_norm": 1.0, "norm_type": 2.0}


def _negative(rng):
    return _grads(rng, 1.0), {"max_norm": -1.0}


def _value(rng):
    return _grads(rng, 2.0), {"clip_value": 0.75}  # about a third of the entries lie outside +-0.75


EXERCISE = Exercise(
    name="gradient_clipping",
    title="Gradient clipping",
    api=("clip_grad_norm", "clip_grad_value"),
    checks=(
        Check("norm_l2_clips", 5, "clip_norm", "L2 norm over four arrays, above max_norm: scaled in place", _norm(2.0)),
        Check("norm_l2_below_max", 3, "clip_norm", "L2 norm below max_norm: arrays left unchanged", _below),
        Check("norm_inf", 3, "clip_norm", "norm_type=inf: the largest |g| over all arrays", _norm(float("inf"))),
        Check("norm_p3", 3, "clip_norm", "norm_type=3: (sum |g|^3)^(1/3) with negative entries", _norm(3.0)),
        Check("norm_float32", 3, "clip_norm", "float32 gradients are scaled and stay float32-accurate", _float32),
        Check("norm_empty", 2, "clip_norm", "an empty dict has norm 0.0", _empty),
        Check("norm_negative_max", 2, "clip_norm_rejects_negative", "max_norm < 0 raises ValueError", _negative),
        Check("value_clamps", 4, "clip_value", "clip_grad_value clamps every entry in place", _value),
    ),
)
