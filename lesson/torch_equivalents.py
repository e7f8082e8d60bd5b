"""torch's equivalents of the exercises the lesson uses, with the exercises' own API: what a section runs while the
student's implementation does not pass its public checks yet (lesson.exercise_code decides).

None of them is the answer key: each hands the work to torch's own implementation.

    clip_grad_norm(grads, max_norm), clip_grad_value(grads, clip_value)   torch.nn.utils.clip_grad_norm_ / _value_
    GRUCell(input_size, hidden_size).forward(x, h_prev)                   torch.nn.GRUCell
    softmax(scores) inside a torch model (the last axis)                  torch.softmax

The clipping functions work in place on the caller's numpy arrays, as exercise 1 asks: torch.from_numpy shares
their memory, and torch scales or clamps each gradient in place.
"""

import numpy as np
import torch
from torch.func import functional_call


def _as_gradients(grads):
    """Tensors whose .grad is each numpy array of grads, shared (not copied): torch's clipping writes into them."""
    holders = []
    for g in grads.values():
        grad = torch.from_numpy(g)
        holder = torch.zeros(grad.shape, dtype=grad.dtype)
        holder.grad = grad
        holders.append(holder)
    return holders


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """torch.nn.utils.clip_grad_norm_ on a dict of numpy arrays, in place; returns the total norm before clipping."""
    if not grads:
        return 0.0
    return float(torch.nn.utils.clip_grad_norm_(_as_gradients(grads), max_norm, norm_type))


def clip_grad_value(grads, clip_value):
    """torch.nn.utils.clip_grad_value_ on a dict of numpy arrays, in place."""
    torch.nn.utils.clip_grad_value_(_as_gradients(grads), clip_value)


class GRUCell:
    """torch.nn.GRUCell with exercise 3's API (column blocks: x (I, B), states (H, B)).

    Attributes W_ih (3H, I), W_hh (3H, H), b_ih (3H, 1), b_hh (3H, 1), row blocks r, z, n as in torch, read at call
    time. forward(x, h_prev) returns (h, None): torch does not expose the gates. The torch cell lives on the meta
    device and gets the attributes as its parameters at each call, so building one draws no random numbers.
    """

    def __init__(self, input_size, hidden_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        H = hidden_size
        self.W_ih = rng.standard_normal((3 * H, input_size)) * 0.01
        self.W_hh = rng.standard_normal((3 * H, H)) * 0.01
        self.b_ih = np.zeros((3 * H, 1))
        self.b_hh = np.zeros((3 * H, 1))
        self.hidden_size = hidden_size
        self._cell = torch.nn.GRUCell(input_size, hidden_size, device="meta")

    def forward(self, x, h_prev):
        params = {"weight_ih": torch.from_numpy(self.W_ih), "weight_hh": torch.from_numpy(self.W_hh),
                  "bias_ih": torch.from_numpy(self.b_ih[:, 0]), "bias_hh": torch.from_numpy(self.b_hh[:, 0])}
        with torch.no_grad():
            h = functional_call(self._cell, params, (torch.from_numpy(x.T), torch.from_numpy(h_prev.T)))  # (B, H)
        return h.T.numpy(), None


def softmax(scores):
    """softmax over the last axis of a torch tensor, by torch."""
    return torch.softmax(scores, dim=-1)
