"""The GPU run's script (benchmarks/gpu_run.sh), rehearsed on the CPU with the tiny grid, as on a GPU machine.

The rehearsal takes the same steps with --bench-device=cpu --bench-tiny, so that the first call on a GPU machine
is the real one: machine lines, the checked and timed suite with its ceilings, the JSON, the report and figures,
all under $OUT. No timing is asserted.
"""

import json
import pathlib
import subprocess
import sys

from benchmarks.names import FAMILIES
from tests.nested_pytest import environment

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_rehearsal_writes_the_json_report_figures_and_log(tmp_path):
    out = tmp_path / "out"
    env = environment(OUT=str(out), SEQLAB_BENCH_REHEARSAL="1", PYTHON=sys.executable)
    done = subprocess.run(["bash", str(ROOT / "benchmarks" / "gpu_run.sh")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    log = (out / "rehearsal.log").read_text()
    assert log == done.stdout  # everything printed is kept
    assert "cpu: " in log and "== suite: --bench-device=cpu --bench-tiny" in log and "suite status 0" in log

    data = json.loads((out / "rehearsal.json").read_text())
    infos = [b["extra_info"] for b in data["benchmarks"]]
    assert {i["device"] for i in infos} == {"cpu"}
    ceilings = {i["implementation"] for i in infos if i["family"] == "ceiling"}
    assert ceilings == set(FAMILIES["ceiling"]) - {"launch_graph"}  # CUDA graphs need a GPU
    assert {i["family"] for i in infos} == {"rnn", "attention", "peak", "ceiling"}
    assert all(i["check_max_abs_err"] <= i["check_atol"] for i in infos)

    text = (out / "rehearsal" / "report.txt").read_text()
    assert "copy bandwidth:" in text and "one eager torch op" in text and "RNN time per step" in text
    pngs = sorted(p.name for p in (out / "rehearsal").glob("*.png"))
    assert any(p.endswith("-time.png") for p in pngs) and any(p.endswith("-speedup.png") for p in pngs)
    assert str(tmp_path) not in text  # no folder of this machine in a report that may be committed
