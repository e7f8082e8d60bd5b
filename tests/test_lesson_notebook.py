"""The lesson notebook, executed top to bottom as CI runs it (nbclient, seed 0), within its time budget.

Checks: every cell runs; every section saved its figure(s) as PNG and its numbers; no section used more CPU time
than its budget (CPU time: other jobs on a shared CI machine do not inflate it) and the whole notebook stayed under
5 minutes of wall-clock time; every claim holds on what was measured and its negative
control fails (thresholds in test_lesson_claims.CLAIMS); and the notebook's own readings agree.
"""

import pytest

from lesson import run as lesson_run
from lesson import summary
from lesson.record import SECTIONS, TOTAL_BUDGET_S
from tests.test_lesson_claims import claim_failures

pytestmark = pytest.mark.slow

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out = tmp_path_factory.mktemp("lesson")
    measurements, seconds = lesson_run.execute(seed=0, out_dir=out, executed_path=out / "executed.ipynb")
    return out, measurements, seconds


@pytest.mark.timeout(2 * TOTAL_BUDGET_S)
def test_notebook_runs_within_its_budget(executed):
    _, measurements, seconds = executed
    assert seconds <= TOTAL_BUDGET_S, f"the notebook took {seconds:.0f} s"
    over = [(s["title"], round(s["cpu_seconds"], 1), s["budget_s"]) for s in measurements["sections"]
            if s["cpu_seconds"] > s["budget_s"]]
    assert over == [], f"sections over budget: {over}"


def test_every_section_wrote_its_figure_and_numbers(executed):
    out, measurements, _ = executed
    assert [s["number"] for s in measurements["sections"]] == [n for n, *_ in SECTIONS]
    for section in measurements["sections"]:
        assert section["figures"], f"section {section['number']} drew no figure"
        for rel in section["figures"]:
            assert (out / rel).read_bytes()[:8] == PNG
    assert set(measurements["results"]) == set(summary.READINGS)
    for name in ("measurements.json", "measurements.md", "measurements.csv"):
        assert (out / name).stat().st_size > 0


def test_every_claim_holds_and_every_control_fails(executed):
    _, measurements, _ = executed
    assert claim_failures(measurements["results"]) == []


def test_the_notebook_readings_agree(executed):
    _, measurements, _ = executed
    assert measurements["findings"] == summary.findings(measurements["results"])
    assert all(f["holds"] for f in measurements["findings"])
