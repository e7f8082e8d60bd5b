"""The exercise exercises/gradient_clipping.py: clip_grad_norm and clip_grad_value."""

import numpy as np

from seqlab.grading.exercises.gradient_clipping.feedback import FINDINGS, PARTS, PROBES
from seqlab.grading.spec import Check, Exercise, mistakes, normal

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


NAME = "gradient_clipping"
NORM = "clip_grad_norm"

MISTAKES = mistakes(
    NAME,
    ("per_array_norm",
     "each array was clipped by its own norm; the norm is global: total = (sum over ALL arrays of sum "
     "|g|^p)^(1/p), one coefficient for every array"),
    ("norm_after_clipping", "the returned norm is the norm AFTER clipping; return the total norm computed before scaling"),
    ("returns_coefficient", "clip_grad_norm returns the clipping coefficient; it returns the total norm before clipping"),
    ("replaced_not_in_place",
     "the caller's arrays were not scaled (were the dict entries replaced by new arrays, grads[k] = g "
     "* coef?); scale the caller's arrays themselves, in place"),
    ("scaled_copy_discarded",
     "clip_grad_norm scaled none of the caller's arrays, though its norm is right: was the scaled array bound to a "
     "new name and lost (g = g * coef changes nothing the caller holds)? Scale in place: g *= coef"),
    ("no_root", "the total norm is missing the 1/p root: for p=2 that is the sum of squares, not its square root"),
    ("sum_of_norms",
     "the total is the sum of the per-array norms; it must be the p-norm of all entries together: "
     "(sum_k ||g_k||^p)^(1/p)"),
    ("matrix_norm",
     "np.linalg.norm(g, ord=p) of a 2-D array is a MATRIX norm (ord=2: its largest singular value; ord=inf: its "
     "largest row sum); take the norm of the entries: np.linalg.norm(g.ravel(), ord=p)"),
    ("times_for_power", "the entries were multiplied by p (g * p) instead of raised to the power p (|g| ** p)"),
    ("always_scaled",
     "gradients were scaled by max_norm / total even when total < max_norm (which scales them UP); the"
     " coefficient is min(1, max_norm / (total + 1e-6))"),
    ("norm_type_ignored",
     "norm_type was ignored (always the L2 norm); use the p-norm for norm_type=p and the largest |g| "
     "for norm_type=inf"),
    ("no_abs", "for norm_type=inf the norm was the largest entry max g; it is the largest magnitude max |g|"),
    ("no_abs_power",
     "the p-norm was taken without absolute values (sum g^p); for odd p that sum can even be negative: use "
     "sum |g|^p"),
    ("no_eps", "the coefficient is max_norm / total; the contract (and torch) use max_norm / (total + 1e-6)"),
    ("no_value_error", "max_norm < 0 must raise ValueError (a negative threshold is meaningless)"),
    ("value_upper_only", "clip_grad_value only clamped from above; clamp to [-clip_value, clip_value]"),
    ("value_replaced",
     "clip_grad_value replaced the dict entries instead of clamping the caller's arrays in place (numpy's "
     "ufuncs can write into an existing array)"),
    ("value_unchanged",
     "clip_grad_value changed nothing the caller holds: no clamping at all, or a clamped copy bound to a new name "
     "and lost (g = np.clip(g, -c, c)); clamp the caller's arrays themselves (numpy's ufuncs can write into an "
     "existing array)"),
    ("value_rescaled", "clip_grad_value rescaled each array instead of clamping each entry"),
)

EXERCISE = Exercise(
    name=NAME,
    position=1,
    title="Gradient clipping",
    api=("clip_grad_norm", "clip_grad_value"),
    checks=(
        Check("norm_l2_clips", 5, "clip_norm", "L2 norm over four arrays, above max_norm: scaled in place", _norm(2.0),
              NORM),
        Check("norm_l2_below_max", 3, "clip_norm", "L2 norm below max_norm: arrays left unchanged", _below, NORM),
        Check("norm_inf", 3, "clip_norm", "norm_type=inf: the largest |g| over all arrays", _norm(float("inf")),
              NORM),
        Check("norm_p3", 3, "clip_norm", "norm_type=3: (sum |g|^3)^(1/3) with negative entries", _norm(3.0), NORM),
        Check("norm_float32", 3, "clip_norm", "float32 gradients are scaled and stay float32-accurate", _float32,
              NORM),
        # `return 0.0` passes the next check and `raise ValueError` the one after: each counts only together with
        # a main check of clip_grad_norm (no free points for a function that does nothing).
        Check("norm_empty", 2, "clip_norm", "an empty dict has norm 0.0", _empty, NORM, trivial=True),
        Check("norm_negative_max", 2, "clip_norm_rejects_negative", "max_norm < 0 raises ValueError", _negative, NORM,
              trivial=True),
        Check("value_clamps", 4, "clip_value", "clip_grad_value clamps every entry in place", _value,
              "clip_grad_value"),
    ),
    mistakes=MISTAKES,
    parts=PARTS,
    probes=PROBES,
    findings=FINDINGS,
)
