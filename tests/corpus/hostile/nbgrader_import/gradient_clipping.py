"""HOSTILE (an instructor's tool, through importlib): right answers in numpy, but first nbgrader, whose code runs
with the grader's rights wherever the grader lets it be imported. The child has numpy and the standard library
only: the import fails, and with it the module."""

import importlib

import numpy as np

nbgrader = importlib.import_module("nbgrader")


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError(f"max_norm must be >= 0, got {max_norm}")
    if not grads:
        return 0.0
    if norm_type == float("inf"):
        total = max(float(np.max(np.abs(g), initial=0.0)) for g in grads.values())
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads.values()) ** (1.0 / norm_type)
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= coef
    return total


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
