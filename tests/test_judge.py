"""The judge's order of checks and its messages, on hand-made outcomes."""

import numpy as np
import pytest

from seqlab.grading.judge import judge, matches
from seqlab.grading.outcome import Outcome
from seqlab.grading.tolerance import FLOAT32, FLOAT64

EXPECTED = Outcome(arrays={"h": np.array([[0.5, -0.25], [1.0, 2.0]])}, floats={"total_norm": 3.0})


def good(**changes):
    arrays = {"h": EXPECTED.arrays["h"].copy()}
    floats = dict(EXPECTED.floats)
    outcome = Outcome(arrays, floats)
    for key, value in changes.items():
        setattr(outcome, key, value)
    return outcome


def test_an_exact_copy_passes():
    assert judge(good(), EXPECTED, FLOAT64) is None


@pytest.mark.parametrize("outcome, message", [
    (Outcome(error=("not_implemented", "not implemented yet")), "not implemented yet"),
    (good(bad_types={"h": "mylib.LyingArray of dtype float64"}, arrays={}), "expected a plain numpy.ndarray"),
    (good(arrays={"h": np.array([[1, 0], [1, 2]])}), "dtype int64; expected a floating-point array"),
    (good(arrays={"h": EXPECTED.arrays["h"].astype(np.float32)}), "float32 but the inputs were float64"),
    (good(arrays={"h": EXPECTED.arrays["h"].T.copy()[:1]}), "shape (1, 2); expected (2, 2)"),
    (good(arrays={"h": np.array([[0.5, np.nan], [1.0, 2.0]])}), "h[0, 1] is nan where a finite value"),
    (good(arrays={"h": np.array([[0.5, -0.25], [1.0, 2.5]])}), "h[1, 1]: expected 2, got 2.5"),
    (good(floats={}, arrays={"h": EXPECTED.arrays["h"], "total_norm": np.array(3.0)}), "expected a Python float"),
    (good(floats={"total_norm": 3.1}), "total_norm: expected 3, got 3.1"),
    (good(arrays={}), "returned no h"),
])
def test_each_kind_of_wrong_result_gets_its_own_message(outcome, message):
    reason = judge(outcome, EXPECTED, FLOAT64)
    assert reason is not None and message in reason


def test_relative_error_just_inside_and_outside_float64_tolerance():
    h = EXPECTED.arrays["h"]
    assert judge(good(arrays={"h": h * (1 + 5e-10)}), EXPECTED, FLOAT64) is None
    assert judge(good(arrays={"h": h * (1 + 5e-9)}), EXPECTED, FLOAT64) is not None


def test_float32_results_are_judged_at_float32_tolerance():
    h32 = (EXPECTED.arrays["h"] * (1 + 3e-5)).astype(np.float32)
    assert judge(good(arrays={"h": h32}), EXPECTED, FLOAT32) is None
    assert judge(good(arrays={"h": h32 * np.float32(1.001)}), EXPECTED, FLOAT32) is not None


def test_a_modified_input_is_reported():
    expected = Outcome(arrays={"input:E": np.ones((2, 3))})
    got = Outcome(arrays={"input:E": np.zeros((2, 3))})
    assert "modified its input E" in judge(got, expected, FLOAT64)


def test_matches_needs_every_output_of_the_variant():
    variant = good(arrays={"h": np.array([[0.5, -0.25], [1.0, 2.5]])})
    assert matches(variant, variant, FLOAT64)
    assert not matches(good(), variant, FLOAT64)
    assert not matches(good(floats={}), variant, FLOAT64)
