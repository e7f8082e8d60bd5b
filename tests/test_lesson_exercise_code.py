"""What the lesson runs where a section needs an exercise (lesson/exercise_code.py), and the pieces it is built from.

torch's equivalents (lesson/torch_equivalents.py) must compute what the exercises' reference computes, through
the exercises' own API (in place on the caller's numpy arrays for clipping); a numpy softmax inside a torch model
(lesson/numpy_in_torch.py) must have the softmax's gradient; the lines that say which implementation a section
ran must say it as the issue words it. The release's own runs (with stubs, with the answer key) are in
test_release_lesson.py.

Inputs: non-square arrays, batch > 1, non-zero biases and states, logits large enough to overflow a naive softmax.
Tolerances: torch and reference/ compute the same float64 formulas in other orders (a few ulps per operation),
so rtol 1e-12 for clipping (one norm and one product) and 1e-10 for a GRU step; float32: 1e-6.
"""

import numpy as np
import pytest
import torch

import reference.attention as reference_attention
import reference.gradient_clipping as reference_clipping
import reference.gru as reference_gru
from lesson import exercise_code, torch_equivalents
from lesson.models.rnn import SimpleRNN
from lesson.numpy_in_torch import torch_softmax_from

I, H, B = 3, 5, 4


def gradients(rng, dtype):
    return {"Wxh": rng.standard_normal((H, I)).astype(dtype) * 3, "Whh": rng.standard_normal((H, H)).astype(dtype),
            "bh": rng.standard_normal((H, 1)).astype(dtype)}


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-6)])
@pytest.mark.parametrize("norm_type", [2.0, 3.0, float("inf")])
def test_torch_clip_grad_norm_is_the_exercise_in_place(dtype, rtol, norm_type):
    rng = np.random.default_rng(0)
    ours = gradients(rng, dtype)
    arrays = dict(ours)  # the caller's own arrays: they must be the ones scaled
    theirs = {k: v.copy() for k, v in ours.items()}
    total = torch_equivalents.clip_grad_norm(ours, 1.0, norm_type)
    expected_total = reference_clipping.clip_grad_norm(theirs, 1.0, norm_type)
    assert total == pytest.approx(expected_total, rel=rtol) and total > 2  # it clipped
    for k in ours:
        assert ours[k] is arrays[k] and ours[k].dtype == dtype
        np.testing.assert_allclose(ours[k], theirs[k], rtol=rtol, atol=0)


def test_torch_clip_grad_value_is_the_exercise_in_place():
    rng = np.random.default_rng(1)
    ours = gradients(rng, np.float64)
    theirs = {k: v.copy() for k, v in ours.items()}
    torch_equivalents.clip_grad_value(ours, 0.5)
    reference_clipping.clip_grad_value(theirs, 0.5)
    for k in ours:
        np.testing.assert_array_equal(ours[k], theirs[k])
    assert max(np.max(np.abs(v)) for v in ours.values()) == 0.5


def test_torch_gru_cell_is_the_exercise():
    rng = np.random.default_rng(2)
    ours, theirs = torch_equivalents.GRUCell(I, H), reference_gru.GRUCell(I, H)
    for name, shape in (("W_ih", (3 * H, I)), ("W_hh", (3 * H, H)), ("b_ih", (3 * H, 1)), ("b_hh", (3 * H, 1))):
        value = rng.standard_normal(shape)
        setattr(ours, name, value)
        setattr(theirs, name, value.copy())
    x, h = rng.standard_normal((I, B)), rng.standard_normal((H, B))
    got, gates = ours.forward(x, h)
    want, _ = theirs.forward(x, h)
    assert got.shape == (H, B) and gates is None
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_a_numpy_softmax_inside_torch_has_the_softmax_forward_and_gradient():
    softmax = torch_softmax_from(reference_attention.softmax)
    scores = torch.tensor(np.random.default_rng(3).standard_normal((2, 3, 5)) * 1e3, requires_grad=True)
    weights = softmax(scores)
    assert torch.isfinite(weights).all()  # 1e3 overflows exp in a naive softmax
    torch.testing.assert_close(weights, torch.softmax(scores, dim=-1), rtol=1e-12, atol=1e-15)
    small = torch.randn(2, 3, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(softmax, (small,))
    upstream = torch.randn(2, 3, 5, dtype=torch.float64)
    (softmax(small) * upstream).sum().backward()
    ours = small.grad.clone()
    small.grad = None
    (torch.softmax(small, dim=-1) * upstream).sum().backward()
    torch.testing.assert_close(ours, small.grad)


def test_the_instructor_repository_runs_reference(repo):
    code = exercise_code.choose(repo)
    assert code.sources() == {"gradient_clipping": "reference", "gru": "reference", "attention": "reference"}
    assert code.clipping is reference_clipping and code.GRUCell is reference_gru.GRUCell
    assert code.self_attention is reference_attention.self_attention
    assert code.says("clip_grad_norm", 4) == \
        "Section 4 uses reference/'s clip_grad_norm (this is the instructor's repository)."


def test_the_lines_say_which_implementation_runs():
    torch_run = exercise_code.Chosen({e: exercise_code.Choice(e, exercise_code.TORCH, None, 0.0, 25.0)
                                      for e in ("gradient_clipping", "gru", "attention")})
    assert torch_run.says("clip_grad_norm", 4) == (
        "Section 4: your clip_grad_norm does not pass its checks yet (0/25), so this run uses torch's "
        "torch.nn.utils.clip_grad_norm_; once it passes, this section uses yours.")
    assert torch_run.clipping is torch_equivalents and torch_run.self_attention is None
    assert torch_run.softmax is torch_equivalents.softmax
    yours = exercise_code.Chosen({e: exercise_code.Choice(e, exercise_code.YOURS, reference_gru, 25.0, 25.0)
                                  for e in ("gradient_clipping", "gru", "attention")})
    assert yours.says("GRUCell", 6) == "Section 6 uses your GRUCell (exercises/gru.py): it passes its public checks."


def test_clipping_without_an_implementation_is_refused():
    rnn = SimpleRNN(I, H, 2, rng=np.random.default_rng(4))
    xs, targets = [np.ones((I, B))] * 3, [np.zeros(B, dtype=int)] * 3
    with pytest.raises(ValueError, match="clipping needs an implementation"):
        rnn.train_step(xs, targets, 0.1, max_norm=1.0)
    rnn.train_step(xs, targets, 0.1)  # no clipping asked: none needed
