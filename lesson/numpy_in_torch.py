"""A numpy softmax inside a torch model: the forward pass calls it, the backward pass is softmax's own derivative.

Exercise 4's softmax(x, axis) is numpy code without gradients. Trained models (sections 6 and 9) need one, so it
runs as a torch.autograd.Function: forward A = softmax(S) by the given numpy function, on S's numbers; backward,
with G = dL/dA, the derivative of the softmax along the last axis,

    dL/dS = A * (G - sum_j G_j A_j)          (the sum over the last axis, kept for broadcasting)

which follows from dA_i / dS_j = A_i (delta_ij - A_j). No exercise asks for it.
"""

import numpy as np
import torch


class _NumpySoftmax(torch.autograd.Function):
    @staticmethod
    def forward(ctx, scores, softmax):
        s = scores.detach().numpy()
        weights = torch.from_numpy(np.ascontiguousarray(softmax(s, axis=-1), dtype=s.dtype))
        ctx.save_for_backward(weights)
        return weights

    @staticmethod
    def backward(ctx, grad):
        (weights,) = ctx.saved_tensors
        return weights * (grad - (grad * weights).sum(dim=-1, keepdim=True)), None


def torch_softmax_from(softmax):
    """scores (torch, any shape) -> softmax over the last axis, computed by the numpy softmax(x, axis)."""
    def apply(scores):
        return _NumpySoftmax.apply(scores, softmax)
    return apply
