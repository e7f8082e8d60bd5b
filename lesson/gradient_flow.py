"""Section 4: how a gradient travels back through time in a tanh RNN, measured.

With h_t = tanh(Wxh x_t + Whh h_{t-1} + bh), one step back multiplies by the Jacobian

    J_t = dh_t/dh_{t-1} = diag(1 - h_t^2) Whh                      (H, H)

and T steps back by the ordered product dh_T/dh_0 = J_T J_{T-1} ... J_1. Two factors compete:
- Whh: when tanh is near-linear (1 - h_t^2 ~ 1) the product is the T-th matrix power (Whh)^T, whose norm grows or
  shrinks like rho^T, rho = spectral radius of Whh (max |eigenvalue|): vanishing for rho < 1, exploding for rho > 1;
- tanh': a saturated unit (|h| near 1) has 1 - h^2 near 0 and damps the product.
Each step then multiplies the norm by about rho times a typical tanh': for a random Whh, ||diag(s) Whh v|| is about
rho * sqrt(<s^2>) ||v|| (mean field), so the per-step factor is ~ rho * rms(tanh'), which can be above or below 1.
The near-linear regime here uses inputs of size 1e-12, so that up to rho = 1.5 the states stay small for 50 steps
(at rho = 2 and 3 they grow until they saturate); inputs of size 1 saturate the units at every rho. The same
matrices and input directions serve both regimes.

The product is cross-checked against the numpy BPTT (SimpleRNN.backward): with the loss L = u . h_T
(read-out Why = I, dL/dy_T = u), backward returns dL/dh_0 = (dh_T/dh_0)^T u. Restarting backward at h_t
(inputs t+1..T, h0 = h_t) gives dL/dh_t for every t.
"""

import numpy as np

from .models.rnn import SimpleRNN, rnn_hidden_states

REGIMES = {"near-linear": 1e-12, "saturating": 1.0}  # input scale of each regime
RADII = (0.5, 0.9, 1.1, 1.5, 2.0, 3.0)
LINEAR_MAX_H = 0.01  # a run whose states all stay below this is near-linear: tanh' = 1 - h^2 > 0.9999
FIRST = 5  # the per-step factor is measured from T = FIRST to T = 50, past the first steps' transient


def recurrent_matrix(rng, H, radius):
    """A random (H, H) matrix scaled to spectral radius `radius`."""
    A = rng.standard_normal((H, H)) / np.sqrt(H)
    return A * (radius / np.max(np.abs(np.linalg.eigvals(A))))


def jacobian_products(hs, Whh, with_tanh=True):
    """dh_t/dh_0 for t = 1..T, per example: array (T, B, H, H).

    hs: (T, H, B) states h_1..h_T. with_tanh=False drops the diag(1 - h^2) factor: the negative control of the
    BPTT cross-check, a product that ignores saturation.
    """
    T, H, B = hs.shape
    P = np.broadcast_to(np.eye(H), (B, H, H))
    products = np.empty((T, B, H, H))
    for t in range(T):
        slope = (1 - hs[t].T ** 2) if with_tanh else np.ones((B, H))  # (B, H): tanh' at step t
        P = (slope[:, :, None] * Whh[None]) @ P  # (B, H, H): J_t @ (J_{t-1} ... J_1)
        products[t] = P
    return products


def bptt_state_gradients(Wxh, Whh, inputs, u):
    """||dL/dh_t|| for t = 0..T with L = sum over columns of u . h_T, by the numpy BPTT.

    Returns (norms (T + 1, B), dL/dh_0 (H, B)).
    """
    H, I = Wxh.shape
    rnn = SimpleRNN(I, H, H)
    rnn.Wxh, rnn.Whh, rnn.bh = Wxh, Whh, np.zeros((H, 1))
    rnn.Why, rnn.by = np.eye(H), np.zeros((H, 1))  # y_t = h_t, so dL/dy_T = dL/dh_T = u
    xs = list(inputs)
    _, hiddens = rnn.forward(xs)
    T = len(xs)
    douts = [np.zeros_like(u)] * (T - 1) + [u]
    grads = [rnn.backward(xs[t:], hiddens[t:], douts[t:])["h0"] for t in range(T)]
    grads.append(u)  # dL/dh_T itself
    return np.linalg.norm(np.stack(grads), axis=1), grads[0]


def run(seed, hidden_size=32, input_size=8, batch=16, T=50, radii=RADII, regimes=REGIMES):
    """Norms of dh_T/dh_0 for T = 1..T and of dL/dh_t, per radius and regime.

    Returns a dict: lengths, and per regime and radius (keys "0.5", ...): norm (median over the batch of the
    spectral norm of dh_T/dh_0, per length), bptt (median ||dL/dh_t||, t = 0..T), max |h|, and the mean and
    root-mean-square of tanh' = 1 - h_t^2 over the steps t >= FIRST (those the per-step factor is measured on);
    bptt_vs_jacobian (largest relative difference of dL/dh_0 computed both ways) and the same with the
    tanh' factor dropped (control).
    """
    out = {"lengths": list(range(1, T + 1)), "radii": list(radii), "regimes": dict(regimes), "runs": {}}
    worst, worst_control = 0.0, 0.0
    for k, radius in enumerate(radii):
        rng = np.random.default_rng([seed, k])
        Whh = recurrent_matrix(rng, hidden_size, radius)
        Wxh = rng.standard_normal((hidden_size, input_size)) / np.sqrt(input_size)
        directions = rng.standard_normal((T, input_size, batch))  # (T, I, B)
        u = rng.standard_normal((hidden_size, batch))
        u /= np.linalg.norm(u, axis=0)  # unit read-out per example
        for regime, scale in regimes.items():
            inputs = directions * scale
            hs = rnn_hidden_states(inputs, Wxh, Whh, np.zeros((hidden_size, 1)))  # (T, H, B)
            products = jacobian_products(hs, Whh)
            bptt_norms, dh0 = bptt_state_gradients(Wxh, Whh, inputs, u)
            via_jacobian = np.einsum("bji,jb->ib", products[-1], u)  # (dh_T/dh_0)^T u per column (H, B)
            no_tanh = np.einsum("bji,jb->ib", jacobian_products(hs, Whh, with_tanh=False)[-1], u)
            scale_ = np.linalg.norm(via_jacobian, axis=0)
            worst = max(worst, float(np.max(np.linalg.norm(dh0 - via_jacobian, axis=0) / scale_)))
            if regime == "saturating":
                worst_control = max(worst_control,
                                    float(np.max(np.linalg.norm(dh0 - no_tanh, axis=0) / scale_)))
            out["runs"].setdefault(regime, {})[str(radius)] = {
                "norm": np.median(np.linalg.norm(products, ord=2, axis=(2, 3)), axis=1).tolist(),
                "bptt": np.median(bptt_norms, axis=1).tolist(),
                "max_abs_h": float(np.max(np.abs(hs))),
                "mean_tanh_slope": float(np.mean(1 - hs[FIRST:] ** 2)),
                "rms_tanh_slope": float(np.sqrt(np.mean((1 - hs[FIRST:] ** 2) ** 2))),
            }
    out["bptt_vs_jacobian_rel_diff"] = worst
    out["control_no_tanh_rel_diff"] = worst_control
    return out


def ratio(result, regime, radius, long=50, short=FIRST):
    """||dh_long/dh_0|| / ||dh_short/dh_0||: how much more (or less) of the gradient survives the extra steps."""
    norm = result["runs"][regime][str(radius)]["norm"]
    return norm[long - 1] / norm[short - 1]


def rate(result, regime, radius, long=50, short=FIRST):
    """The per-step factor (ratio)^(1 / (long - short)); equals rho when tanh is linear."""
    return ratio(result, regime, radius, long, short) ** (1 / (long - short))
