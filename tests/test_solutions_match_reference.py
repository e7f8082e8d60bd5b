"""The answer key (solutions/) agrees with the trusted reference/ on random inputs.

Shapes are non-square and all different (I=3, H=5, O=2, B=4, T=4; attention n=6, d=3) so a transposed weight
or a swapped axis cannot pass by accident; weights, biases and inputs are all non-zero.

Tolerances: float64 RTOL 1e-12 / ATOL 1e-14: both sides evaluate the same formulas, at most in a different
order (e.g. the clipping norm), which costs a few ulps (~1e-16 each). float32 RTOL 1e-5 / ATOL 1e-6: eps is
1.2e-7 and the clipping norm is accumulated in float32 by one side and float64 by the other (~1e-6 relative
for a few dozen terms). Any real mistake is orders of magnitude larger.
"""

import ast
import math
from pathlib import Path

import numpy as np
import pytest

import reference.attention as ref_attention
import reference.gradient_clipping as ref_clipping
import solutions.attention as sol_attention
import solutions.gradient_clipping as sol_clipping
from reference.bidirectional_rnn import BidirectionalRNN as RefBiRNN
from seqlab.grading.registry import EXERCISES
from reference.gru import GRUCell as RefGRU
from solutions.bidirectional_rnn import BidirectionalRNN as SolBiRNN
from solutions.gru import GRUCell as SolGRU

I, H, O, B, T = 3, 5, 2, 4, 4
DTYPES = [np.float32, np.float64]
TOL = {np.float64: dict(rtol=1e-12, atol=1e-14), np.float32: dict(rtol=1e-5, atol=1e-6)}  # see docstring
SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


def rand(rng, shape, dtype, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def assert_same(actual, expected, dtype):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.dtype == expected.dtype == dtype
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, **TOL[dtype])


@pytest.mark.parametrize("name", list(EXERCISES))
def test_solution_is_a_numpy_only_student_module(name):
    tree = ast.parse((SOLUTIONS / f"{name}.py").read_text())
    assert ast.get_docstring(tree), "the module explains the exercise"
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= {"numpy", "math"}, imported  # never reference/, torch or anything a student lacks


# ------------------------------------------------------------------------------------------- gradient clipping

def grad_dicts(seed, dtype):
    rng = np.random.default_rng(seed)
    grads = {"Wxh": rand(rng, (H, I), dtype), "Whh": rand(rng, (H, H), dtype),
             "by": rand(rng, (O, 1), dtype), "v": rand(rng, (7,), dtype)}
    return grads, {k: g.copy() for k, g in grads.items()}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf])
@pytest.mark.parametrize("max_norm", [0.0, 0.1, 1.0, 1e3])  # from "zero everything" to "change nothing"
def test_clip_grad_norm(dtype, norm_type, max_norm):
    ref, sol = grad_dicts(0, dtype)
    sol_arrays = dict(sol)
    total_ref = ref_clipping.clip_grad_norm(ref, max_norm, norm_type)
    total_sol = sol_clipping.clip_grad_norm(sol, max_norm, norm_type)
    assert type(total_sol) is float
    np.testing.assert_allclose(total_sol, total_ref, **TOL[dtype])
    for k in ref:
        assert sol[k] is sol_arrays[k]  # in place
        assert_same(sol[k], ref[k], dtype)


def test_clip_grad_norm_edge_cases():
    assert sol_clipping.clip_grad_norm({}, 1.0) == 0.0
    grads, _ = grad_dicts(1, np.float64)
    with pytest.raises(ValueError):
        sol_clipping.clip_grad_norm(grads, -1.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("clip_value", [0.0, 0.3, 10.0])
def test_clip_grad_value(dtype, clip_value):
    ref, sol = grad_dicts(2, dtype)
    sol_arrays = dict(sol)
    ref_clipping.clip_grad_value(ref, clip_value)
    assert sol_clipping.clip_grad_value(sol, clip_value) is None
    for k in ref:
        assert sol[k] is sol_arrays[k]
        assert_same(sol[k], ref[k], dtype)


# ------------------------------------------------------------------------------------------- recurrent models

@pytest.mark.parametrize("dtype", DTYPES)
def test_bidirectional_rnn(dtype):
    rng = np.random.default_rng(3)
    ref, sol = RefBiRNN(I, H, O, rng=rng), SolBiRNN(I, H, O, rng=rng)
    for name in ["Wxh_f", "Whh_f", "bh_f", "Wxh_b", "Whh_b", "bh_b", "Why", "by"]:
        assert getattr(sol, name).shape == getattr(ref, name).shape, name  # the provided __init__
        w = rand(rng, getattr(ref, name).shape, dtype)
        setattr(ref, name, w)
        setattr(sol, name, w.copy())
    xs = [rand(rng, (I, B), dtype, 1.0) for _ in range(T)]
    copies = [x.copy() for x in xs]
    out_ref, hid_ref = ref.forward(xs)
    out_sol, hid_sol = sol.forward(xs)
    for x, c in zip(xs, copies):
        np.testing.assert_array_equal(x, c)
    assert len(out_sol) == len(hid_sol) == T
    for t in range(T):
        assert_same(out_sol[t], out_ref[t], dtype)
        assert_same(hid_sol[t], hid_ref[t], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gru_cell(dtype):
    rng = np.random.default_rng(4)
    ref, sol = RefGRU(I, H, rng=rng), SolGRU(I, H, rng=rng)
    for name in ["W_ih", "W_hh", "b_ih", "b_hh"]:
        assert getattr(sol, name).shape == getattr(ref, name).shape, name
        w = rand(rng, getattr(ref, name).shape, dtype)
        setattr(ref, name, w)
        setattr(sol, name, w.copy())
    x, h_prev = rand(rng, (I, B), dtype, 1.0), rand(rng, (H, B), dtype)
    h_ref, gates_ref = ref.forward(x, h_prev)
    h_sol, gates_sol = sol.forward(x, h_prev)
    assert_same(h_sol, h_ref, dtype)
    for g_sol, g_ref in zip(gates_sol, gates_ref, strict=True):
        assert_same(g_sol, g_ref, dtype)


# --------------------------------------------------------------------------------------------------- attention

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(6, 3), (2, 6, 3)])  # one sequence, and a batch; n != d
def test_similarity_and_attention(dtype, shape):
    rng = np.random.default_rng(5)
    E = rand(rng, shape, dtype, 1.0)
    copy = E.copy()
    n = shape[-2]
    causal = np.tril(np.ones((n, n), dtype=bool))
    random_mask = rng.random(shape[:-1] + (n,)) < 0.5
    random_mask[..., np.arange(n), np.arange(n)] = True  # every row keeps a position (else unspecified)
    assert_same(sol_attention.similarity_matrix(E), ref_attention.similarity_matrix(E), dtype)
    for scale in (True, False):
        for mask in (None, causal, random_mask):
            assert_same(sol_attention.attention_weights(E, scale, mask),
                        ref_attention.attention_weights(E, scale, mask), dtype)
            (o_sol, a_sol), (o_ref, a_ref) = (sol_attention.self_attention(E, scale=scale, mask=mask),
                                              ref_attention.self_attention(E, scale=scale, mask=mask))
            assert_same(o_sol, o_ref, dtype)
            assert_same(a_sol, a_ref, dtype)
    np.testing.assert_array_equal(E, copy)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax(dtype, axis):
    rng = np.random.default_rng(6)
    x = rand(rng, (3, 5, 4), dtype, 3.0)
    assert_same(sol_attention.softmax(x, axis=axis), ref_attention.softmax(x, axis=axis), dtype)
    big = rng.uniform(-1e4, 1e4, size=(4, 6)).astype(dtype)
    big[0, 2] = big[1, 0] = -np.inf  # -inf entries get weight 0
    p = sol_attention.softmax(big)
    assert np.all(np.isfinite(p)) and p[0, 2] == 0 and p[1, 0] == 0
    assert_same(p, ref_attention.softmax(big), dtype)
