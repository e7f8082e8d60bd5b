"""Section 4: backpropagation through time, derived and checked against finite differences.

With a_t = Wxh x_t + Whh h_{t-1} + bh, h_t = tanh(a_t), y_t = Why h_t + by and L = sum_t l_t(y_t), the same Whh
acts at every step, so its gradient is a sum over the steps where it acts:

    dL/dWhh = sum_{t=1..T} da_t h_{t-1}^T,        da_t = dL/da_t = (1 - h_t^2) * dh_t               (H, H)
    dh_t = dL/dh_t = Why^T dy_t + Whh^T da_{t+1}      (this step's output, and everything later), da_{T+1} = 0

The second line is the backward recursion: da_t collects every later loss through the chain of Jacobians of
gradient_flow.py. lesson.models.rnn.SimpleRNN.backward implements exactly this. The check compares it with central
finite differences, (L(Whh + eps E_ij) - L(Whh - eps E_ij)) / (2 eps) for every entry (i, j). The negative control
keeps only the last term of the sum (t = T), as if Whh acted once: it must disagree.
"""

import numpy as np

from .models.rnn import SimpleRNN


def loss(rnn, inputs, targets):
    outputs, _ = rnn.forward(inputs)
    return rnn.loss(outputs, targets)[0]


def numeric_gradient(rnn, inputs, targets, eps):
    """Central differences of the loss with respect to every entry of Whh: (H, H)."""
    grad = np.zeros_like(rnn.Whh)
    base = rnn.Whh
    for index in np.ndindex(base.shape):
        step = np.zeros_like(base)
        step[index] = eps
        rnn.Whh = base + step
        up = loss(rnn, inputs, targets)
        rnn.Whh = base - step
        down = loss(rnn, inputs, targets)
        grad[index] = (up - down) / (2 * eps)
    rnn.Whh = base
    return grad


def run(seed, input_size=3, hidden_size=5, output_size=4, T=8, B=2, eps=1e-5, weight_scale=0.5):
    """BPTT's dL/dWhh against finite differences, on one random sequence.

    weight_scale: as in rnn_forward.py, weights large enough that the recurrence (and tanh') matters.
    Returns a dict: the relative error of the full BPTT gradient, and that of the last-term-only control.
    """
    rng = np.random.default_rng(seed)
    rnn = SimpleRNN(input_size, hidden_size, output_size, rng=rng)
    for name in ("Wxh", "Whh", "Why"):
        setattr(rnn, name, rng.standard_normal(getattr(rnn, name).shape) * weight_scale)
    inputs = [rng.standard_normal((input_size, B)) for _ in range(T)]  # T blocks x_t (I, B)
    targets = [rng.integers(0, output_size, size=B) for _ in range(T)]  # T arrays k_t (B,)
    outputs, hiddens = rnn.forward(inputs)
    _, doutputs = rnn.loss(outputs, targets)
    analytic = rnn.backward(inputs, hiddens, doutputs)["Whh"]  # (H, H): sum over t of da_t h_{t-1}^T
    # The t = T term alone: da_T = (1 - h_T^2) * Why^T dy_T, nothing from later steps (there are none).
    h_T, h_prev = hiddens[T], hiddens[T - 1]
    last_term = ((1 - h_T ** 2) * (rnn.Why.T @ doutputs[T - 1])) @ h_prev.T  # (H, H)
    numeric = numeric_gradient(rnn, inputs, targets, eps)
    scale = np.linalg.norm(numeric)
    return {
        "T": T, "eps": eps,
        "rel_error": float(np.linalg.norm(analytic - numeric) / scale),
        "control_last_term_rel_error": float(np.linalg.norm(last_term - numeric) / scale),
    }
