"""Section 4 (continued): gradient clipping on a training run that explodes.

Norm clipping (the course's first exercise, through SimpleRNN.train_step; the implementation is the one
lesson.exercise_code chose: the student's once it passes its public checks):

    g <- g * min(1, max_norm / ||g||)            ||g|| = 2-norm over all parameter gradients together

bounds every SGD step theta <- theta - lr g to length lr * max_norm without changing its direction. With a
learning rate too large for the loss surface, one large gradient throws the weights far away, tanh saturates and
the loss explodes; with clipping the same learning rate stays usable. Negative control: at a small learning rate
the gradients stay small, clipping hardly ever acts, and the two runs end at the same loss.
"""

import numpy as np

from .char_task import CHARS, TEXT, encode, random_windows
from .models.rnn import SimpleRNN


def train_curve(seed, lr, max_norm, steps, clipping, hidden_size=32, T=25, B=16):
    """Loss and gradient norm (before clipping) per step of SimpleRNN.train_step on the character task.

    Both runs of a pair share the seed: the same initial weights and the same batches, so clipping is the only
    difference. A diverged run may overflow (inf/nan): those warnings are silenced, the values are kept.
    """
    rng = np.random.default_rng(seed)
    V = len(CHARS)
    rnn = SimpleRNN(V, hidden_size, V, rng=rng)
    ids = encode(TEXT)
    losses, norms = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            inputs, targets = random_windows(rng, ids, T, B)
            step = rnn.train_step(inputs, targets, lr, max_norm=max_norm, clipping=clipping)
            losses.append(step["loss"])
            norms.append(step["grad_norm"])
    return {"loss": losses, "grad_norm": norms}


def final_loss(curve, last=20):
    """Mean loss over the last steps (nan stays nan: a diverged run must not look converged)."""
    return float(np.mean(curve["loss"][-last:]))


def run(seed, clipping, lr=2.0, max_norm=1.0, steps=200, control_lr=0.5):
    """Unclipped and clipped runs at lr (explodes) and at control_lr (does not); clipping: exercise 1's API.

    Returns a dict: settings, the four curves, their final losses, the largest gradient norm of the unclipped
    exploding run, and how many steps clipping acted on in each clipped run.
    """
    out = {"lr": lr, "max_norm": max_norm, "control_lr": control_lr, "steps": steps, "runs": {}}
    for name, rate in (("exploding", lr), ("control", control_lr)):
        for clipped in (False, True):
            curve = train_curve(seed, rate, max_norm if clipped else None, steps, clipping)
            key = f"{name}_{'clipped' if clipped else 'unclipped'}"
            out["runs"][key] = curve
            out[f"final_loss_{key}"] = final_loss(curve)
            if clipped:
                out[f"clipped_steps_{name}"] = int(np.sum(np.array(curve["grad_norm"]) > max_norm))
    out["initial_loss"] = out["runs"]["exploding_unclipped"]["loss"][0]
    out["max_grad_norm_unclipped"] = float(np.nanmax(out["runs"]["exploding_unclipped"]["grad_norm"]))
    return out
