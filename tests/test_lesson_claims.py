"""The lesson's claims and the fast checks of its machinery.

Every claim (lesson/claims.py: statement, measured quantity, threshold, negative control, defined once) is judged
on every seed: its measurement must pass and its control must fail. The slow test (test_release_lesson.py)
applies them to a fresh execution of the notebook; the tests here check the notebook's source and build, the
committed outputs, and that the notebook's text, the summary (section 10) and the claim checks all follow the one
definition: change a threshold and all three change; feed contradicting numbers and the summary changes.
"""

import copy
import dataclasses
import json
import re

import pytest

from lesson import build_notebook, claims, summary
from lesson.record import SECTIONS

OUTPUT = build_notebook.NOTEBOOK.parent / "output"
DOCS = build_notebook.NOTEBOOK.parent.parent / "docs" / "lesson.md"


@pytest.fixture(scope="module")
def committed():
    with open(OUTPUT / "measurements.json") as f:
        return json.load(f)


def test_notebook_is_built_from_its_source():
    assert build_notebook.NOTEBOOK.read_text() == build_notebook.render(), \
        "lesson/rnns_to_attention.ipynb is stale: run python -m lesson.build_notebook"


def test_a_stale_notebook_is_detected(tmp_path, monkeypatch):
    stale = tmp_path / "rnns_to_attention.ipynb"
    stale.write_text(build_notebook.render().replace("From RNNs to attention", "From RNNs to attention (edited)"))
    monkeypatch.setattr(build_notebook, "NOTEBOOK", stale)
    assert build_notebook.main(["--check"]) == 1


def test_cell_ids_are_the_names_the_source_gives():
    names = re.findall(r'^# %%(?: \[markdown\])? id="([^"]+)"', build_notebook.SOURCE.read_text(), flags=re.M)
    nb = json.loads(build_notebook.NOTEBOOK.read_text())
    assert [c["id"] for c in nb["cells"]] == names
    assert len(set(names)) == len(names)


def test_a_cell_without_a_name_or_with_a_used_name_is_refused(tmp_path):
    source = tmp_path / "nb.py"
    source.write_text('# %% [markdown] id="a"\n# text\n\n# %%\nx = 1\n')
    with pytest.raises(ValueError, match="no id"):
        build_notebook.build(source)
    source.write_text('# %% [markdown] id="a"\n# text\n\n# %% id="a"\nx = 1\n')
    with pytest.raises(ValueError, match="used twice"):
        build_notebook.build(source)


def test_committed_notebook_has_no_outputs():
    nb = json.loads(build_notebook.NOTEBOOK.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)


def test_the_notebook_states_and_judges_every_experiment_claim_by_claim():
    """Each experiment's claims are announced (claims.announce) before it runs and judged (claims.verdict_table,
    with the controls) after: the notebook's text about thresholds comes from lesson/claims.py only."""
    source = build_notebook.SOURCE.read_text()
    for key in {c.key for c in claims.CLAIMS.values()}:
        assert f'claim("{key}")' in source and f'say("{key}")' in source, key
    assert "claims.announce(key)" in source and "claims.verdict_table(key, runs)" in source


def test_committed_outputs_are_a_complete_three_seed_run(committed):
    assert committed["seeds"] == [0, 1, 2]
    for section in committed["sections"]:
        assert section["figures"], f"section {section['number']} has no figure"
        for rel in section["figures"]:
            assert (OUTPUT / rel).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [s["number"] for s in committed["sections"]] == [n for n, *_ in SECTIONS]
    assert set(committed["results"]) == set(summary.DESCRIBE)
    # The committed readings are what the current claims and summary make of the committed numbers.
    assert committed["findings"] == summary.findings(committed["results"])
    assert claims.failures(committed["results"]) == []


def test_docs_show_every_committed_figure(committed):
    docs = DOCS.read_text()
    for section in committed["sections"]:
        for rel in section["figures"]:
            assert f"../lesson/output/{rel}" in docs


def test_a_claim_holds_only_if_it_holds_on_every_seed_and_its_control_fails_on_every_seed(committed):
    claim = claims.CLAIMS["char_rnn.beats_bigram"]
    runs = copy.deepcopy(committed["results"]["char_rnn"])
    assert claims.holds(claim, runs)
    one_seed = next(iter(runs.values()))
    one_seed["control_shuffled_held_out_loss"] = one_seed["held_out_loss"]  # this seed's control now passes
    assert not claims.holds(claim, runs)
    assert claims.failures({"char_rnn": runs}, keys={"char_rnn"})


@pytest.mark.parametrize("claim_id, new_threshold", [("hidden_states.beats_memoryless", 0.9),
                                                      ("clipping.converges", 1e-6)])
def test_changing_one_threshold_changes_the_notebook_text_the_summary_and_the_claim_test(
        committed, monkeypatch, claim_id, new_threshold):
    claim = claims.CLAIMS[claim_id]
    runs = committed["results"][claim.key]
    before = (claims.announce(claim.key), claims.verdict_table(claim.key, runs), summary.findings(committed["results"]))
    assert claims.failures(committed["results"]) == []
    monkeypatch.setitem(claims.CLAIMS, claim_id, dataclasses.replace(claim, threshold=new_threshold))
    shown = claims.CLAIMS[claim_id].show(new_threshold)
    announced, table, found = (claims.announce(claim.key), claims.verdict_table(claim.key, runs),
                               summary.findings(committed["results"]))
    assert announced != before[0] and shown in announced  # the notebook's statement of the claim
    assert table != before[1] and "did NOT hold" in table  # the notebook's verdict
    (finding,) = [f for f in found if f["id"] == claim_id]
    assert not finding["holds"] and shown in finding["claim"]  # the summary
    assert any(m.startswith(claim_id) for m in claims.failures(committed["results"]))  # the claim test


def _flat_gradients(r):
    for regime in r["runs"].values():
        for run in regime.values():
            run["norm"] = [1.0] * len(run["norm"])


def _no_forget_gap(r):
    r["forget_by_token"] = {t: 0.5 for t in r["forget_by_token"]}
    r["hold_vs_change_gap"] = 0.0


def _no_bottleneck(r):
    smallest = r["accuracy"]["no_attention"][str(r["widths"][0])]
    for name in r["accuracy"]:  # every model, at every H, as good as the plain one at the smallest H
        r["accuracy"][name] = {str(H): list(smallest) for H in r["widths"]}


def _no_long_range(r):
    r["final_accuracy"]["attention"] = list(r["final_accuracy"]["rnn"])


# Each contradiction rewrites one experiment's numbers, in place, so that its claims no longer hold.
CONTRADICTIONS = {
    "order": lambda r: r["bow_equal"].update({"0-1": False}),
    "rnn_forward": lambda r: r.update(max_abs_diff=0.3),
    "hidden_states": lambda r: r.update(accuracy=r["memoryless_ceiling"]),
    "gradient_flow": _flat_gradients,
    "bptt": lambda r: r.update(rel_error=0.5),
    "clipping": lambda r: r.update(final_loss_exploding_unclipped=0.02, final_loss_exploding_clipped=2.0),
    "lstm_gates": _no_forget_gap,
    "bottleneck": _no_bottleneck,
    "speed": lambda r: r.update(advantage_shrink=1.0, speedups={n: 2.0 for n in r["speedups"]}),
    "char_rnn": lambda r: r.update(held_out_loss=r["bigram_loss"]),
    "long_range": _no_long_range,
}


def test_every_experiment_has_a_contradiction_and_claims():
    assert set(CONTRADICTIONS) == set(summary.DESCRIBE) == {claim.key for claim in claims.CLAIMS.values()}


@pytest.mark.parametrize("key", sorted(CONTRADICTIONS))
def test_summary_changes_with_contradicting_numbers(committed, key):
    results = copy.deepcopy(committed["results"])
    before = summary.findings(results)
    for result in results[key].values():
        CONTRADICTIONS[key](result)
    after = summary.findings(results)
    changed = [(b, a) for b, a in zip(before, after) if b != a]
    assert changed, f"the summary ignored the {key} numbers"
    assert all(b["holds"] and not a["holds"] and b["text"] != a["text"] for b, a in changed)
    conclusion_before, conclusion_after = summary.conclusion(before), summary.conclusion(after)
    assert conclusion_before != conclusion_after
    assert f"{sum(f['holds'] for f in after)} of {len(after)} measured claims held" in conclusion_after
    assert "did not hold" in conclusion_after and "did not hold" not in conclusion_before
