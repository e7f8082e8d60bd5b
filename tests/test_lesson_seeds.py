"""The lesson's seeds: every seeded claim is judged on three seeds, and each seed's numbers are its own.

The three seeds run inside the notebook (`make lesson-refresh`; lesson/output holds the committed run; CI executes
seed 0 in test_release_lesson.py). These fast checks make sure the seeds are real: the seeded experiments
give different numbers on different seeds, and the deterministic ones (no training) reproduce the committed
numbers of a seed when rerun.
"""

import json

import numpy as np
import pytest

from lesson import bptt, claims, gradient_flow, record, rnn_forward
from lesson.build_notebook import NOTEBOOK

OUTPUT = NOTEBOOK.parent / "output"


@pytest.fixture(scope="module")
def committed():
    with open(OUTPUT / "measurements.json") as f:
        return json.load(f)


def test_every_claim_was_judged_on_three_seeds_or_on_an_unseeded_run(committed):
    for claim in claims.CLAIMS.values():
        seeds = list(committed["results"][claim.key])
        assert seeds in ([str(s) for s in committed["seeds"]], [record.UNSEEDED]), (claim.id, seeds)
    assert len(committed["seeds"]) == record.N_SEEDS == 3


def test_seeded_experiments_differ_between_seeds(committed):
    for key, runs in committed["results"].items():
        if list(runs) != [record.UNSEEDED]:
            values = [json.dumps(r, sort_keys=True) for r in runs.values()]
            assert len(set(values)) == len(values), f"{key}: two seeds gave the same numbers"


# Rerun without training: BLAS may sum in another order on another CPU, a relative 1e-15 per product that 50
# steps of Jacobian products can grow to ~1e-12; 1e-9 leaves room and still catches any change of the experiment.
@pytest.mark.parametrize("key, experiment", [("rnn_forward", rnn_forward.run), ("bptt", bptt.run),
                                             ("gradient_flow", gradient_flow.run)])
def test_a_seed_reproduces_its_committed_numbers(committed, key, experiment):
    seed = str(committed["seeds"][1])
    again = json.loads(json.dumps(experiment(int(seed))))
    _assert_close(again, committed["results"][key][seed], key)


def _assert_close(a, b, where):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _assert_close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            _assert_close(x, y, f"{where}[{k}]")
    elif isinstance(a, float):
        # Tiny quantities (rounding errors themselves, ~1e-14) are compared in absolute terms.
        assert np.isclose(a, b, rtol=1e-9, atol=1e-12), (where, a, b)
    else:
        assert a == b, where
