"""The lesson notebook, executed top to bottom as CI runs it (nbclient; seeds 0, 1 and 2), within its time budget.

Checks: every cell runs; every section saved its figure(s) as PNG and its numbers; no section used more CPU time
than its budget (CPU time: other jobs on a shared CI machine do not inflate it) and the whole notebook stayed under
5 minutes of wall-clock time; every claim holds on every seed and its negative control fails on every seed
(lesson/claims.py); the notebook shows each verdict with its control beside it; its readings agree.
"""

import nbformat
import pytest

from lesson import claims, summary
from lesson import run as lesson_run
from lesson.record import SECTIONS, TOTAL_BUDGET_S

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
    assert measurements["seeds"] == [0, 1, 2]
    assert [s["number"] for s in measurements["sections"]] == [n for n, *_ in SECTIONS]
    for section in measurements["sections"]:
        assert section["figures"], f"section {section['number']} drew no figure"
        for rel in section["figures"]:
            assert (out / rel).read_bytes()[:8] == PNG
    assert set(measurements["results"]) == set(summary.DESCRIBE)
    for name in ("measurements.json", "measurements.md", "measurements.csv"):
        assert (out / name).stat().st_size > 0


def test_every_claim_holds_on_every_seed_and_every_control_fails(executed):
    _, measurements, _ = executed
    assert claims.failures(measurements["results"]) == []


def test_the_notebook_shows_each_verdict_beside_its_control(executed):
    out, measurements, _ = executed
    shown = "\n".join(output.get("data", {}).get("text/markdown", "")
                      for cell in nbformat.read(out / "executed.ipynb", as_version=4).cells
                      for output in cell.get("outputs", []))
    for claim in claims.CLAIMS.values():
        assert f"**{claim.text()}: held.**" in shown, claim.id
    # One table row per claim and seed, each with its control's verdict.
    assert shown.count("fails, as it must") == len(measurements["claims"])


def test_the_notebook_readings_agree(executed):
    _, measurements, _ = executed
    assert measurements["findings"] == summary.findings(measurements["results"])
    assert all(f["holds"] for f in measurements["findings"])
