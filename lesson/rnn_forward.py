"""Section 2: the numpy SimpleRNN (lesson/models/rnn.py) runs a sequence, and torch.nn.RNN computes the same states.

    h_t = tanh(Wxh x_t + Whh h_{t-1} + bh),   y_t = Why h_t + by,   h_0 = 0

torch.nn.RNN computes h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh): the same recurrence with
W_ih = Wxh, W_hh = Whh, b_ih = bh, b_hh = 0. Agreement to rounding error is the measured claim; the negative
control hands torch Whh^T instead of Whh (a classic transposition slip) and must disagree.
"""

import numpy as np
import torch

from .models.rnn import SimpleRNN


def torch_hidden_states(inputs, Wxh, Whh, bh):
    """h_1 .. h_T from torch.nn.RNN in float64, as an array (T, H, B) in the column convention."""
    H, I = Wxh.shape
    rnn = torch.nn.RNN(I, H, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(Wxh))
        rnn.weight_hh_l0.copy_(torch.from_numpy(Whh))
        rnn.bias_ih_l0.copy_(torch.from_numpy(bh[:, 0]))
        rnn.bias_hh_l0.zero_()
        x = torch.from_numpy(np.stack([x_t.T for x_t in inputs]))  # (T, B, I): torch puts time first, batch second
        out, _ = rnn(x)  # (T, B, H)
    return out.numpy().transpose(0, 2, 1)  # (T, H, B)


def run(seed, input_size=3, hidden_size=4, output_size=2, T=5, weight_scale=0.5):
    """Run the numpy forward on one sequence of T random inputs; compare with torch.

    weight_scale replaces SimpleRNN's 0.01 init (kept there so tanh starts linear) with weights large enough
    that the recurrence visibly matters: with 0.01 every state would be ~1% of its input and a wrong Whh would
    hardly show.

    Returns a dict: shapes, parameter count, states (T, H) of the numpy RNN and of torch, the largest absolute
    difference, and the same difference when torch gets Whh transposed (negative control).
    """
    rng = np.random.default_rng(seed)
    rnn = SimpleRNN(input_size, hidden_size, output_size, rng=rng)
    for name in ("Wxh", "Whh", "Why"):
        setattr(rnn, name, rng.standard_normal(getattr(rnn, name).shape) * weight_scale)
    inputs = [rng.standard_normal((input_size, 1)) for _ in range(T)]  # T column blocks x_t (I, 1)
    outputs, hiddens = rnn.forward(inputs)
    ours = np.stack(hiddens[1:])  # (T, H, 1); hiddens[0] is h_0 = 0
    theirs = torch_hidden_states(inputs, rnn.Wxh, rnn.Whh, rnn.bh)
    slipped = torch_hidden_states(inputs, rnn.Wxh, rnn.Whh.T.copy(), rnn.bh)
    return {
        "T": T,
        "hidden_shape": list(hiddens[1].shape),
        "output_shape": list(outputs[0].shape),
        "n_hiddens": len(hiddens),
        "n_parameters": int(sum(getattr(rnn, p).size for p in ("Wxh", "Whh", "Why", "bh", "by"))),
        "numpy_states": ours[:, :, 0].tolist(),
        "torch_states": theirs[:, :, 0].tolist(),
        "max_abs_diff": float(np.max(np.abs(ours - theirs))),
        "control_transposed_max_abs_diff": float(np.max(np.abs(ours - slipped))),
    }
