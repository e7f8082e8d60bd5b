"""reference/ and the lesson's numpy models (lesson/models/) checked against PyTorch (BPTT: also finite differences).

Fixture sizes are chosen so that transposition or block-order bugs cannot cancel out: input, hidden and output
sizes all differ (I=3, H=5, O=2), batch > 1, T >= 3, biases and previous states are non-zero, and weights are
large enough (scale 0.5) for tanh/sigmoid to be non-linear. Every check runs in float32 and float64 where the
reference is meant to support both.

Tolerances (float64 vs torch float64): both sides compute the same formulas with different summation orders, so
they differ by a few ulps per operation; through T steps of matmul + tanh that stays below ~1e-14 for O(1)
values. RTOL/ATOL 1e-10/1e-12 leave a wide margin and are still ~10 orders below any formula error.
float32: eps is 1.2e-7; a few dozen roundings give ~1e-6 relative error, hence RTOL 1e-5 / ATOL 1e-6.
"""

import math
import types

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference import attention, gradient_clipping
from reference.bidirectional_rnn import BidirectionalRNN
from reference.gru import GRUCell
from lesson.models.lstm import LSTMCell
from lesson.models.rnn import SimpleRNN, rnn_hidden_states

I, H, O, B, T = 3, 5, 2, 4, 4

# See the module docstring for why these values.
TOL = {
    np.float64: dict(rtol=1e-10, atol=1e-12),
    np.float32: dict(rtol=1e-5, atol=1e-6),
}
DTYPES = [np.float32, np.float64]
TORCH_DTYPE = {np.float32: torch.float32, np.float64: torch.float64}


def rand(rng, shape, dtype, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def tt(a):
    """numpy -> torch, sharing nothing with the numpy array (so torch cannot modify our fixtures)."""
    return torch.from_numpy(np.array(a, copy=True))


def assert_close(actual, expected, dtype):
    actual = np.asarray(actual)
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else np.asarray(expected)
    assert actual.dtype == dtype, f"dtype {actual.dtype}, expected {np.dtype(dtype)}"
    assert actual.shape == expected.shape, f"shape {actual.shape}, expected {expected.shape}"
    np.testing.assert_allclose(actual, expected, **TOL[dtype])


def snapshot(arrays):
    return [np.array(a, copy=True) for a in arrays]


def assert_unchanged(arrays, copies):
    for a, c in zip(arrays, copies):
        np.testing.assert_array_equal(a, c)


# ----------------------------------------------------------------------------------------------- recurrent cells

@pytest.mark.parametrize("dtype", DTYPES)
def test_bidirectional_rnn_matches_torch(dtype):
    rng = np.random.default_rng(0)
    model = BidirectionalRNN(I, H, O, rng=rng)
    for name, shape in [("Wxh_f", (H, I)), ("Whh_f", (H, H)), ("bh_f", (H, 1)), ("Wxh_b", (H, I)),
                        ("Whh_b", (H, H)), ("bh_b", (H, 1)), ("Why", (O, 2 * H)), ("by", (O, 1))]:
        assert getattr(model, name).shape == shape
        setattr(model, name, rand(rng, shape, dtype))
    xs = [rand(rng, (I, B), dtype, scale=1.0) for _ in range(T)]
    copies = snapshot(xs)
    outputs, hiddens = model.forward(xs)
    assert_unchanged(xs, copies)

    rnn = torch.nn.RNN(I, H, bidirectional=True, dtype=TORCH_DTYPE[dtype])
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(tt(model.Wxh_f))
        rnn.weight_hh_l0.copy_(tt(model.Whh_f))
        rnn.bias_ih_l0.copy_(tt(model.bh_f[:, 0]))
        rnn.bias_hh_l0.zero_()
        rnn.weight_ih_l0_reverse.copy_(tt(model.Wxh_b))
        rnn.weight_hh_l0_reverse.copy_(tt(model.Whh_b))
        rnn.bias_ih_l0_reverse.copy_(tt(model.bh_b[:, 0]))
        rnn.bias_hh_l0_reverse.zero_()
        x = tt(np.stack([x_t.T for x_t in xs]))  # torch's layout is (T, B, I); ours is T blocks of (I, B)
        out, _ = rnn(x)  # (T, B, 2H): forward direction first, then backward
        y = out @ tt(model.Why).T + tt(model.by[:, 0])  # (T, B, O)
    assert len(hiddens) == T and len(outputs) == T
    for t in range(T):
        assert_close(hiddens[t], out[t].T, dtype)
        assert_close(outputs[t], y[t].T, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gru_cell_matches_torch(dtype):
    rng = np.random.default_rng(1)
    cell = GRUCell(I, H, rng=rng)
    assert cell.W_ih.shape == (3 * H, I) and cell.W_hh.shape == (3 * H, H)
    assert cell.b_ih.shape == (3 * H, 1) and cell.b_hh.shape == (3 * H, 1)
    cell.W_ih, cell.W_hh = rand(rng, (3 * H, I), dtype), rand(rng, (3 * H, H), dtype)
    cell.b_ih, cell.b_hh = rand(rng, (3 * H, 1), dtype), rand(rng, (3 * H, 1), dtype)
    x, h_prev = rand(rng, (I, B), dtype, 1.0), rand(rng, (H, B), dtype)
    copies = snapshot([x, h_prev])
    h, (r, z, n) = cell.forward(x, h_prev)
    assert_unchanged([x, h_prev], copies)

    torch_cell = torch.nn.GRUCell(I, H, dtype=TORCH_DTYPE[dtype])
    with torch.no_grad():
        torch_cell.weight_ih.copy_(tt(cell.W_ih))
        torch_cell.weight_hh.copy_(tt(cell.W_hh))
        torch_cell.bias_ih.copy_(tt(cell.b_ih[:, 0]))
        torch_cell.bias_hh.copy_(tt(cell.b_hh[:, 0]))
        h_torch = torch_cell(tt(x.T), tt(h_prev.T))  # torch is (B, features)
        # nn.GRUCell does not expose its gates: recompute them with torch ops from the same weights.
        gi = tt(x.T) @ tt(cell.W_ih).T + tt(cell.b_ih[:, 0])
        gh = tt(h_prev.T) @ tt(cell.W_hh).T + tt(cell.b_hh[:, 0])
        r_t = torch.sigmoid(gi[:, :H] + gh[:, :H])
        z_t = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n_t = torch.tanh(gi[:, 2 * H:] + r_t * gh[:, 2 * H:])
    assert_close(h, h_torch.T, dtype)
    assert_close(r, r_t.T, dtype)
    assert_close(z, z_t.T, dtype)
    assert_close(n, n_t.T, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lstm_cell_matches_torch(dtype):
    rng = np.random.default_rng(2)
    cell = LSTMCell(I, H, rng=rng)
    assert cell.W.shape == (4 * H, I + H) and cell.b.shape == (4 * H, 1)
    cell.W, cell.b = rand(rng, (4 * H, I + H), dtype), rand(rng, (4 * H, 1), dtype)
    x, h_prev, c_prev = rand(rng, (I, B), dtype, 1.0), rand(rng, (H, B), dtype), rand(rng, (H, B), dtype)
    copies = snapshot([x, h_prev, c_prev])
    h, c, (i, f, g, o) = cell.forward(x, h_prev, c_prev)
    assert_unchanged([x, h_prev, c_prev], copies)

    torch_cell = torch.nn.LSTMCell(I, H, dtype=TORCH_DTYPE[dtype])
    with torch.no_grad():
        torch_cell.weight_ih.copy_(tt(cell.W[:, :I]))
        torch_cell.weight_hh.copy_(tt(cell.W[:, I:]))
        torch_cell.bias_ih.copy_(tt(cell.b[:, 0]))
        torch_cell.bias_hh.zero_()
        h_t, c_t = torch_cell(tt(x.T), (tt(h_prev.T), tt(c_prev.T)))
    assert_close(h, h_t.T, dtype)
    assert_close(c, c_t.T, dtype)
    # The gates must be consistent with the returned states (and in torch's i, f, g, o order).
    np.testing.assert_allclose(c, f * c_prev + i * g, **TOL[dtype])
    np.testing.assert_allclose(h, o * np.tanh(c), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("as_list", [False, True])
def test_rnn_hidden_states_matches_torch(dtype, as_list):
    rng = np.random.default_rng(3)
    Wxh, Whh, bh = rand(rng, (H, I), dtype), rand(rng, (H, H), dtype), rand(rng, (H, 1), dtype)
    X, h0 = rand(rng, (T, I, B), dtype, 1.0), rand(rng, (H, B), dtype)
    inputs = list(X) if as_list else X
    copies = snapshot([X, h0])
    hs = rnn_hidden_states(inputs, Wxh, Whh, bh, h0)
    assert_unchanged([X, h0], copies)
    rnn = torch.nn.RNN(I, H, dtype=TORCH_DTYPE[dtype])
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(tt(Wxh))
        rnn.weight_hh_l0.copy_(tt(Whh))
        rnn.bias_ih_l0.copy_(tt(bh[:, 0]))
        rnn.bias_hh_l0.zero_()
        out, _ = rnn(tt(X.transpose(0, 2, 1)), tt(h0.T)[None])  # (T, B, H)
    assert_close(hs, out.permute(0, 2, 1), dtype)
    # h0=None means zeros.
    np.testing.assert_allclose(rnn_hidden_states(inputs, Wxh, Whh, bh),
                               rnn_hidden_states(inputs, Wxh, Whh, bh, np.zeros_like(h0)), **TOL[dtype])


# ------------------------------------------------------------------------------------------- SimpleRNN and BPTT

def make_rnn(rng, dtype=np.float64):
    model = SimpleRNN(I, H, O, rng=rng)
    for name, shape in [("Wxh", (H, I)), ("Whh", (H, H)), ("Why", (O, H)), ("bh", (H, 1)), ("by", (O, 1))]:
        assert getattr(model, name).shape == shape
        setattr(model, name, rand(rng, shape, dtype))
    return model


def linear_objective(model, xs, h0, G):
    """L = sum_t <G_t, y_t>: its gradient w.r.t. y_t is exactly G_t, so backward(..., G) must give dL/dtheta."""
    outputs, _ = model.forward(xs, h0)
    return sum(float(np.sum(g * y)) for g, y in zip(G, outputs))


def test_bptt_matches_finite_differences():
    rng = np.random.default_rng(4)
    model = make_rnn(rng)
    xs = [rand(rng, (I, B), np.float64, 1.0) for _ in range(T)]
    h0 = rand(rng, (H, B), np.float64)
    G = [rand(rng, (O, B), np.float64, 1.0) for _ in range(T)]
    outputs, hiddens = model.forward(xs, h0)
    grads = model.backward(xs, hiddens, G)

    # Centred differences: truncation error ~ eps^2 |L'''| ~ 1e-12, rounding error ~ |L| * 1e-16 / eps ~ 1e-10
    # (L is O(1) here). ATOL 1e-8 is 100x above that and far below any real BPTT bug (which is O(1e-2)+).
    eps, atol = 1e-6, 1e-8
    targets = [(getattr(model, name), name) for name in ("Wxh", "Whh", "Why", "bh", "by")]
    targets += [(x, ("inputs", t)) for t, x in enumerate(xs)] + [(h0, "h0")]
    for array, key in targets:
        expected = grads[key[0]][key[1]] if isinstance(key, tuple) else grads[key]
        numeric = np.zeros_like(array)
        for idx in np.ndindex(array.shape):
            old = array[idx]
            array[idx] = old + eps
            L_plus = linear_objective(model, xs, h0, G)
            array[idx] = old - eps
            L_minus = linear_objective(model, xs, h0, G)
            array[idx] = old
            numeric[idx] = (L_plus - L_minus) / (2 * eps)
        assert expected.shape == array.shape, key
        np.testing.assert_allclose(expected, numeric, rtol=0, atol=atol, err_msg=str(key))
    assert np.max(np.abs(grads["Whh"])) > 1e-2  # the check above is not vacuous


@pytest.mark.parametrize("dtype", DTYPES)
def test_forward_loss_backward_match_torch_autograd(dtype):
    rng = np.random.default_rng(5)
    model = make_rnn(rng, dtype)
    xs = [rand(rng, (I, B), dtype, 1.0) for _ in range(T)]
    h0 = rand(rng, (H, B), dtype)
    targets = [rng.integers(0, O, size=B) for _ in range(T)]
    copies = snapshot(xs + [h0])
    outputs, hiddens = model.forward(xs, h0)
    L, doutputs = model.loss(outputs, targets)
    grads = model.backward(xs, hiddens, doutputs)
    assert_unchanged(xs + [h0], copies)
    assert isinstance(L, float)
    assert len(hiddens) == T + 1 and hiddens[0] is h0

    params = {name: tt(getattr(model, name)).requires_grad_() for name in ("Wxh", "Whh", "Why", "bh", "by")}
    x_t = [tt(x).requires_grad_() for x in xs]
    h = h0_t = tt(h0).requires_grad_()
    ys = []
    for x in x_t:
        h = torch.tanh(params["Wxh"] @ x + params["Whh"] @ h + params["bh"])
        ys.append(params["Why"] @ h + params["by"])
    logits = torch.stack([y.T for y in ys]).reshape(T * B, O)  # mean over all T * B pairs, as in the contract
    loss = F.cross_entropy(logits, torch.from_numpy(np.concatenate(targets)))
    loss.backward()

    for t in range(T):
        assert_close(outputs[t], ys[t], dtype)
    np.testing.assert_allclose(L, loss.item(), **TOL[dtype])
    for name, p in params.items():
        assert_close(grads[name], p.grad, dtype)
    for t in range(T):
        assert_close(grads["inputs"][t], x_t[t].grad, dtype)
    assert_close(grads["h0"], h0_t.grad, dtype)


def test_loss_is_stable_for_large_logits():
    model = SimpleRNN(I, H, O, rng=np.random.default_rng(6))
    outputs = [np.array([[0.0, 1000.0], [1000.0, 0.0]])]  # (O=2, B=2): both examples predicted with certainty
    L, doutputs = model.loss(outputs, [np.array([1, 1])])  # example 0 right, example 1 wrong by 1000 nats
    assert math.isclose(L, 500.0, rel_tol=1e-12)  # (0 + 1000) / 2; exact in float64
    np.testing.assert_allclose(doutputs[0], [[0.0, 0.5], [0.0, -0.5]], atol=1e-15)


def tiny_task(rng, n_steps=T, batch=8):
    """Classify each step's input: x_t is a noisy one-hot of the target class (O=2 classes, I=3 features)."""
    targets = [rng.integers(0, O, size=batch) for _ in range(n_steps)]
    xs = [np.eye(I)[:, k] * 2.0 + rng.standard_normal((I, batch)) * 0.1 for k in targets]
    return xs, targets


def test_train_step_decreases_loss():
    rng = np.random.default_rng(7)
    model = SimpleRNN(I, H, O, rng=rng)
    xs, targets = tiny_task(rng)
    losses = [model.train_step(xs, targets, lr=0.5)["loss"] for _ in range(60)]
    assert all(isinstance(v, float) for v in losses)
    # Chance level is log(2) = 0.69; this separable task must fall well below half of it.
    assert losses[0] == pytest.approx(math.log(2), abs=0.01)
    assert losses[-1] < 0.5 * losses[0]


def recording_clipping():
    calls = []

    def clip_grad_norm(grads, max_norm, norm_type=2.0):
        calls.append(("norm", sorted(grads), max_norm))
        return gradient_clipping.clip_grad_norm(grads, max_norm, norm_type)

    def clip_grad_value(grads, clip_value):
        calls.append(("value", sorted(grads), clip_value))
        gradient_clipping.clip_grad_value(grads, clip_value)

    return types.SimpleNamespace(clip_grad_norm=clip_grad_norm, clip_grad_value=clip_grad_value), calls


def raw_gradients(model, xs, targets):
    outputs, hiddens = model.forward(xs)
    _, doutputs = model.loss(outputs, targets)
    return model.backward(xs, hiddens, doutputs)


PARAM_NAMES = ["Wxh", "Whh", "Why", "bh", "by"]


def test_train_step_without_clipping_is_plain_sgd():
    rng = np.random.default_rng(8)
    model = make_rnn(rng)
    xs, targets = tiny_task(rng)
    before = {n: getattr(model, n) for n in PARAM_NAMES}  # the arrays a caller set
    copies = {n: a.copy() for n, a in before.items()}
    grads = raw_gradients(model, xs, targets)
    result = model.train_step(xs, targets, lr=0.1)
    for n in PARAM_NAMES:
        # Same float64 operations in the same order: agreement to rounding.
        np.testing.assert_allclose(getattr(model, n), copies[n] - 0.1 * grads[n], rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(before[n], copies[n])  # the caller's arrays were not updated in place
    expected_norm = math.sqrt(sum(float(np.sum(grads[n] ** 2)) for n in PARAM_NAMES))
    assert result["grad_norm"] == pytest.approx(expected_norm, rel=1e-12)  # float64 sums in another order


def test_train_step_applies_norm_clipping():
    rng = np.random.default_rng(9)
    model = make_rnn(rng)
    xs, targets = tiny_task(rng)
    before = {n: getattr(model, n).copy() for n in PARAM_NAMES}
    grads = raw_gradients(model, xs, targets)
    raw_norm = math.sqrt(sum(float(np.sum(grads[n] ** 2)) for n in PARAM_NAMES))
    clipping, calls = recording_clipping()
    max_norm, lr = 1e-3 * raw_norm, 0.1
    result = model.train_step(xs, targets, lr=lr, max_norm=max_norm, clipping=clipping)
    assert [c[0] for c in calls] == ["norm"] and calls[0][1] == sorted(PARAM_NAMES)
    assert result["grad_norm"] == pytest.approx(raw_norm, rel=1e-12)  # the norm BEFORE clipping
    step = math.sqrt(sum(float(np.sum((getattr(model, n) - before[n]) ** 2)) for n in PARAM_NAMES))
    # The update is lr * max_norm / (raw_norm + 1e-6) * g: its norm is lr * max_norm up to the 1e-6 guard.
    assert step == pytest.approx(lr * max_norm, rel=1e-5)


def test_train_step_applies_value_clipping():
    rng = np.random.default_rng(10)
    model = make_rnn(rng)
    xs, targets = tiny_task(rng)
    before = {n: getattr(model, n).copy() for n in PARAM_NAMES}
    grads = raw_gradients(model, xs, targets)
    clip_value, lr = 0.01, 0.1
    assert max(np.max(np.abs(grads[n])) for n in PARAM_NAMES) > 2 * clip_value  # clipping really bites
    clipping, calls = recording_clipping()
    model.train_step(xs, targets, lr=lr, clip_value=clip_value, clipping=clipping)
    assert [c[0] for c in calls] == ["value"]
    for n in PARAM_NAMES:
        expected = before[n] - lr * np.clip(grads[n], -clip_value, clip_value)
        np.testing.assert_allclose(getattr(model, n), expected, rtol=1e-12, atol=1e-15)  # float64 rounding


# ------------------------------------------------------------------------------------------- gradient clipping

SHAPES = {"W": (5, 3), "U": (5, 5), "b": (2, 1), "v": (7,)}


def make_grads(rng, dtype, scale=1.0):
    return {k: rand(rng, s, dtype, scale) for k, s in SHAPES.items()}


def torch_params(grads):
    params = []
    for g in grads.values():
        p = torch.nn.Parameter(torch.zeros(g.shape, dtype=TORCH_DTYPE[g.dtype.type]))
        p.grad = tt(g)
        params.append(p)
    return params


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf])
@pytest.mark.parametrize("ratio", [0.3, 2.0])  # max_norm below (clips) and above (no change) the total norm
def test_clip_grad_norm_matches_torch(dtype, norm_type, ratio):
    rng = np.random.default_rng(11)
    grads = make_grads(rng, dtype)
    arrays = dict(grads)  # the caller's own objects
    params = torch_params(grads)
    if norm_type == math.inf:
        exact = max(float(np.max(np.abs(g))) for g in grads.values())
    else:
        exact = sum(float(np.sum(np.abs(g.astype(np.float64)) ** norm_type)) for g in grads.values()) ** (1 / norm_type)
    max_norm = ratio * exact
    total = gradient_clipping.clip_grad_norm(grads, max_norm, norm_type)
    total_torch = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    assert type(total) is float
    np.testing.assert_allclose(total, total_torch.item(), **TOL[dtype])
    np.testing.assert_allclose(total, exact, **TOL[dtype])
    for (k, g), p in zip(grads.items(), params):
        assert g is arrays[k]  # in place: same objects, entries not replaced
        assert_close(g, p.grad, dtype)
    clipped = [np.array(g, np.float64) for g in grads.values()]
    if norm_type == math.inf:
        new_norm = max(float(np.max(np.abs(g))) for g in clipped)
    else:
        new_norm = sum(float(np.sum(np.abs(g) ** norm_type)) for g in clipped) ** (1 / norm_type)
    if ratio < 1:
        assert new_norm == pytest.approx(max_norm, rel=1e-5)  # max_norm up to the 1e-6 guard and float32 rounding
    else:
        assert new_norm == pytest.approx(exact, rel=TOL[dtype]["rtol"])  # untouched (coef = 1)


def test_clip_grad_norm_edge_cases():
    assert gradient_clipping.clip_grad_norm({}, 1.0) == 0.0
    assert type(gradient_clipping.clip_grad_norm({}, 1.0)) is float
    grads = make_grads(np.random.default_rng(12), np.float64)
    copies = {k: g.copy() for k, g in grads.items()}
    with pytest.raises(ValueError, match="max_norm"):
        gradient_clipping.clip_grad_norm(grads, -0.5)
    for k in grads:
        np.testing.assert_array_equal(grads[k], copies[k])  # a rejected call changes nothing
    # max_norm = 0 zeroes everything, as in torch (coef = 0 / (total + 1e-6)).
    gradient_clipping.clip_grad_norm(grads, 0.0)
    assert all(not np.any(g) for g in grads.values())
    # All-zero gradients: the 1e-6 guard avoids 0 / 0.
    zeros = {"a": np.zeros((2, 3))}
    assert gradient_clipping.clip_grad_norm(zeros, 1.0) == 0.0
    assert not np.any(np.isnan(zeros["a"]))


@pytest.mark.parametrize("dtype", DTYPES)
def test_clip_grad_value_matches_torch(dtype):
    rng = np.random.default_rng(13)
    grads = make_grads(rng, dtype)
    arrays = dict(grads)
    params = torch_params(grads)
    assert gradient_clipping.clip_grad_value(grads, 0.4) is None
    torch.nn.utils.clip_grad_value_(params, 0.4)
    for (k, g), p in zip(grads.items(), params):
        assert g is arrays[k]
        assert_close(g, p.grad, dtype)
    assert max(float(np.max(np.abs(g))) for g in grads.values()) == pytest.approx(0.4)  # it bit somewhere


# --------------------------------------------------------------------------------------------------- attention

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_matches_torch(dtype, axis):
    rng = np.random.default_rng(14)
    x = rand(rng, (3, 4, 6), dtype, scale=3.0)
    copy = x.copy()
    p = attention.softmax(x, axis=axis)
    assert_unchanged([x], [copy])
    assert_close(p, torch.softmax(tt(x), dim=axis), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_extreme_logits(dtype):
    rng = np.random.default_rng(15)
    big = rng.uniform(-1e4, 1e4, size=(5, 7)).astype(dtype)
    p = attention.softmax(big)
    assert np.all(np.isfinite(p))
    assert_close(p, torch.softmax(tt(big), dim=-1), dtype)
    p = attention.softmax(np.array([[0.0, 1000.0], [1e4, -1e4]], dtype=dtype))
    np.testing.assert_array_equal(p, [[0.0, 1.0], [1.0, 0.0]])  # exp(-1000) underflows to exactly 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_minus_inf(dtype):
    x = np.array([[1.0, -np.inf, 2.0, -np.inf], [-np.inf, -np.inf, -np.inf, -np.inf]], dtype=dtype)
    p = attention.softmax(x)  # the all -inf row is unspecified, but must not raise
    assert p.shape == x.shape and p.dtype == dtype
    assert p[0, 1] == 0.0 and p[0, 3] == 0.0
    assert_close(p[0], torch.softmax(tt(x[0]), dim=-1), dtype)


def sdpa_weights(E, scale, mask):
    """torch's attention weights: SDPA with V = identity returns the weight matrix itself."""
    n = E.shape[-2]
    V = torch.eye(n, dtype=E.dtype).expand(*E.shape[:-1], n)
    return F.scaled_dot_product_attention(E, E, V, attn_mask=mask, scale=scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("mask_kind", [None, "causal", "batched"])
def test_self_attention_matches_sdpa(dtype, scale, mask_kind):
    rng = np.random.default_rng(16)
    Bt, n, d = 2, 5, 3  # n != d so that a transposed product has the wrong shape
    E = rand(rng, (Bt, n, d), dtype, scale=1.0)
    if mask_kind is None:
        mask = None
    elif mask_kind == "causal":
        mask = np.tril(np.ones((n, n), dtype=bool))  # broadcast over the batch
    else:
        mask = rng.random((Bt, n, n)) < 0.5
        mask[:, np.arange(n), np.arange(n)] = True  # every row attends somewhere (a fully masked row is unspecified)
    copies = snapshot([E] + ([] if mask is None else [mask]))
    out, A = attention.self_attention(E, scale=scale, mask=mask)
    assert_unchanged([E] + ([] if mask is None else [mask]), copies)
    S = attention.similarity_matrix(E)
    assert_close(S, tt(E) @ tt(E).transpose(-1, -2), dtype)

    torch_mask = None if mask is None else torch.from_numpy(mask)
    torch_scale = 1 / math.sqrt(d) if scale else 1.0
    out_t = F.scaled_dot_product_attention(tt(E), tt(E), tt(E), attn_mask=torch_mask, scale=torch_scale)
    assert_close(out, out_t, dtype)
    A_t = sdpa_weights(tt(E), torch_scale, torch_mask)
    assert_close(A, A_t, dtype)
    assert_close(attention.attention_weights(E, scale=scale, mask=mask), A_t, dtype)
    if mask is not None:
        assert np.all(A[..., ~np.broadcast_to(mask, A.shape)] == 0)
