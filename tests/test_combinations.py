"""The search for combined mistakes, on results made by the mistakes' own variants (no child: the numbers are what
a student making exactly those mistakes returns). What is named must be the combination, whatever the interactions:
a switch that keeps another's effect from reaching the caller, a mistake in one function that shows in another."""

import pytest

from seqlab.grading import diagnosis, tolerance
from seqlab.grading.judge import judge
from seqlab.grading.oracle import ReferenceOracle
from seqlab.grading.probes import probe_cases, probe_of
from seqlab.grading.registry import get
from seqlab.grading.seeds import PUBLIC


@pytest.fixture(scope="module")
def oracle(repo):
    return ReferenceOracle(repo)


def named(oracle, exercise_name, combo):
    """{check: named keys} for a submission that computes exactly what the combination computes."""
    exercise = get(exercise_name)
    cases = oracle.cases(exercise, PUBLIC)
    probes = probe_cases(exercise, cases)
    got = {case.check.name: oracle.variant(exercise, case, combo) for case in cases + probes}
    expected = {case.check.name: oracle.expected(exercise, case) for case in cases}
    expected |= {case.check.name: oracle.expected(exercise, case) for case in probes
                 if probe_of(exercise, case).relation is None}
    tols = {case.check.name: tolerance.for_inputs(case.arrays) for case in cases + probes}
    verdicts = {case.check.name: judge(got[case.check.name], expected[case.check.name], tols[case.check.name])
                for case in cases}
    found = diagnosis.diagnose(oracle, exercise, cases, probes, got, expected, verdicts, tols)
    return {check: {m.split(".", 1)[1] for m in d.mistakes} for check, d in found.items()}


@pytest.mark.parametrize("exercise, combo", [
    ("gru", ("update_reversed", "reset_before_matmul", "biases_ignored")),
    ("gru", ("blocks_zrn", "gates_returned_zrn")),  # the gates come back right, h and n do not
    ("bidirectional_rnn", ("not_rereversed", "shared_weights", "output_softmax")),
    ("gradient_clipping", ("always_scaled", "norm_after_clipping")),  # only below max_norm and in the norm
    ("gradient_clipping", ("replaced_not_in_place", "times_for_power", "always_scaled")),  # replaced: none reaches
    ("attention", ("softmax_overflow", "scaled_by_d", "mask_zeroed_scores")),
])
def test_every_switch_of_a_combination_is_named(oracle, exercise, combo):
    found = named(oracle, exercise, combo)
    assert set().union(*found.values()) == set(combo), found


def test_a_mistake_of_one_function_is_named_with_what_it_combines_with_in_another(oracle):
    """similarity_matrix divides by sqrt(d) and attention_weights never does: the similarity checks name the
    first; the weights are then divided once whatever scale says, which is what always_scaled computes there."""
    found = named(oracle, "attention", ("similarity_scaled", "scale_ignored", "mask_inverted"))
    assert found["similarity_batched"] == found["similarity_2d"] == {"similarity_scaled"}
    assert "mask_inverted" in found["weights_masked"]


def test_mistakes_that_compute_the_same_are_named_once(oracle):
    """b_ih and b_hh both ignored is biases_ignored: the smallest combination that reproduces it is named."""
    found = named(oracle, "gru", ("gates_ignore_hidden", "b_ih_ignored", "b_hh_ignored"))
    assert set().union(*found.values()) == {"gates_ignore_hidden", "biases_ignored"}


def test_nothing_is_named_for_right_results(oracle):
    exercise = get("gru")
    cases = oracle.cases(exercise, PUBLIC)
    expected = {case.check.name: oracle.expected(exercise, case) for case in cases}
    verdicts = {name: None for name in expected}
    assert diagnosis.diagnose(oracle, exercise, cases, [], expected, expected, verdicts, {}) == {}
