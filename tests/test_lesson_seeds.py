"""The lesson's claims on seeds 1 and 2: the experiments the notebook runs, at the notebook's sizes.

Called directly (not through the notebook, which test_lesson_notebook.py runs for seed 0) to stay within CI's
time. The timing claim of section 7 does not depend on a seed and is checked with the notebook only.
"""

import pytest

from lesson import (bottleneck, char_rnn, clipping_run, gradient_flow, hidden_states, long_range, lstm_gates,
                    order, rnn_forward)
from tests.test_lesson_claims import claim_failures

pytestmark = pytest.mark.slow

SEEDED = {
    "rnn_forward": rnn_forward.run,
    "hidden_states": hidden_states.run,
    "gradient_flow": gradient_flow.run,
    "clipping": clipping_run.run,
    "lstm_gates": lstm_gates.run,
    "bottleneck": bottleneck.run,
    "char_rnn": char_rnn.run,
    "long_range": long_range.run,
}


@pytest.mark.timeout(600)  # about 45 CPU seconds; a loaded CI machine may stretch the wall clock
@pytest.mark.parametrize("seed", [1, 2])
def test_claims_hold_on_other_seeds(seed):
    results = {key: experiment(seed) for key, experiment in SEEDED.items()}
    results["order"] = order.run()
    assert claim_failures(results, keys=set(results)) == []
