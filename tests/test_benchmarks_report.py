"""The report and the crossover helpers on synthetic pytest-benchmark JSON whose answers are known exactly.

Times are built from formulas: t_rnn = a n (exponent 1), t_att = c n^2 (exponent 2), so s = t_rnn / t_att = a / (c n)
is linear in log-log and the measured crossover is a / c exactly; throughputs R_rnn = 4 B d^2 / a and
R_att = 4 B d / c are constant, so the predicted d R_att / R_rnn is a / c too; the peak is 100 GFLOP/s exactly.
"""

import json
import math
import re

import pytest

from benchmarks import crossover, lesson_grid, report
from benchmarks.flops import family_flops, matmul_flops
from benchmarks.load import load_rows, sections
from benchmarks.scaling import scaling_exponent
from reference.attention import self_attention as reference_attention

B, D, NS = 32, 64, (16, 64, 256, 1024, 4096)
A, C = 1e-4, 5e-7  # crossover a / c = 200
PEAK = 100e9


def bench(device, family, implementation, seconds, name="Fake CPU", **sizes):
    flops = matmul_flops(sizes["size"]) if family == "peak" else family_flops(family, sizes["n"], D, B)
    info = {"device": device, "device_name": name, "implementation": implementation, "family": family,
            "threads": 1, "flops": flops, "torch_version": "t", "numpy_version": "np", "mode": "full",
            "load_avg_1m": 3.0, "cores_available": 2, **sizes}
    if family != "peak":
        info.update(d=D, B=B)
    return {"group": "g", "name": implementation, "extra_info": info,
            "stats": {"median": seconds, "min": seconds, "rounds": 3}}


def synthetic(device="cpu", name="Fake CPU", scale=1.0):
    benchmarks = [bench(device, "peak", "torch_matmul", matmul_flops(4096) / PEAK, name, size=4096)]
    for n in NS:
        benchmarks.append(bench(device, "rnn", "numpy_loop", scale * A * n, name, n=n))
        benchmarks.append(bench(device, "attention", "numpy_attention", scale * C * n * n, name, n=n))
        # A second pair, uniformly 2x faster RNN: its crossover is a / (2 c).
        benchmarks.append(bench(device, "rnn", "torch_nn_rnn", scale * A * n / 2, name, n=n))
        benchmarks.append(bench(device, "attention", "torch_sdpa", scale * C * n * n, name, n=n))
    return {"benchmarks": benchmarks, "machine_info": {}}


@pytest.fixture
def results(tmp_path):
    cpu, gpu = tmp_path / "cpu.json", tmp_path / "gpu.json"
    cpu.write_text(json.dumps(synthetic()))
    gpu.write_text(json.dumps(synthetic("cuda", "Fake GPU", scale=0.01)))
    return cpu, gpu


def test_exponents_crossovers_and_predictions_are_exact(results):
    rows = [r for r in load_rows([results[0]]) if r["family"] != "peak"]
    assert scaling_exponent(crossover.times(rows, "rnn", "numpy_loop")) == pytest.approx(1.0, abs=1e-9)
    assert scaling_exponent(crossover.times(rows, "attention", "numpy_attention")) == pytest.approx(2.0, abs=1e-9)
    assert crossover.measured_crossover(rows, "numpy_loop", "numpy_attention") == pytest.approx(A / C)
    assert crossover.predicted_crossover(rows, "numpy_loop", "numpy_attention") == pytest.approx(A / C)
    assert crossover.measured_crossover(rows, "torch_nn_rnn", "torch_sdpa") == pytest.approx(A / C / 2)
    # "best" = the faster RNN (torch_nn_rnn) against the (equal) attention implementations.
    assert crossover.measured_crossover(rows) == pytest.approx(A / C / 2)
    assert crossover.predicted_crossover(rows) == pytest.approx(A / C / 2)
    r_rnn, r_att = crossover.prediction_throughputs(rows, "numpy_loop", "numpy_attention")
    assert r_rnn == pytest.approx(4 * B * D * D / A) and r_att == pytest.approx(4 * B * D / C)


def test_crossover_edge_cases():
    def rows(pairs):
        return [{"implementation": impl, "family": fam, "n": n, "d": 8, "B": 1, "seconds": t}
                for n, (t_rnn, t_att) in pairs for impl, fam, t in (("r", "rnn", t_rnn), ("a", "attention", t_att))]
    assert crossover.measured_crossover(rows([(16, (2, 1)), (64, (3, 1))])) is None  # attention always faster
    assert crossover.measured_crossover(rows([(16, (2, 1)), (64, (1, 1)), (256, (1, 2))])) == 64.0
    # Two widths at once is ambiguous: refused.
    mixed = rows([(16, (2, 1))]) + [dict(r, d=16) for r in rows([(16, (2, 1))])]
    with pytest.raises(ValueError):
        crossover.measured_crossover(mixed)
    # No n >= 4d measured: no prediction rather than a circular one.
    assert crossover.predicted_crossover(rows([(16, (2, 1)), (31, (1, 2))])) is None


def test_report_text_and_figures(results, tmp_path, capsys):
    out = tmp_path / "report"
    assert report.main([str(p) for p in results] + ["--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text == (out / "report.txt").read_text()
    assert "peak fp32 matmul: 100.0 GFLOP/s" in text
    assert "load average during the run: 3.0 to 3.0 (2 cores available, 1 used" in text
    assert "WARNING: other processes competed for the CPU" in text  # load 3 > 1 thread + 0.5
    # Both sections, CPU first; exact exponents; crossover 200 measured and predicted, ratio 1.
    assert text.index("cpu: Fake CPU") < text.index("cuda: Fake GPU")
    assert "numpy_loop 1.00" in text and "numpy_attention 2.00" in text
    assert len(re.findall(r"numpy_loop/numpy_attention +200 +200 +1.00 ", text)) == 2
    # Achieved throughputs and percentages: R_rnn = 4 B d^2 / a = 5.24 GFLOP/s = 5.2 % of peak,
    # R_att = 4 B d / c = 16.4 GFLOP/s = 16 %; the GPU section is 100x faster against the same peak.
    assert "5.24 (5.2%)" in text and "16.4 (16%)" in text and "1638 (1638%)" in text
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["cpu-Fake-CPU-1threads-speedup.png", "cpu-Fake-CPU-1threads-time.png",
                    "cuda-Fake-GPU-1threads-speedup.png", "cuda-Fake-GPU-1threads-time.png"]
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_sections_split_devices(results):
    keys = list(sections(load_rows(results)))
    assert keys == [("cpu", "Fake CPU", 1), ("cuda", "Fake GPU", 1)]


def test_lesson_grid_rows_and_helpers():
    rows = lesson_grid.run_small_grid(d=16, ns=(16, 64), B=4, repeats=1, numpy_attention=reference_attention)
    names = ["numpy_loop", "torch_loop", "torch_nn_rnn", "numpy_attention", "torch_attention", "torch_sdpa"]
    assert [(r["implementation"], r["n"]) for r in rows] == [(name, n) for n in (16, 64) for name in names]
    for row in rows:
        assert set(row) == {"implementation", "family", "n", "d", "B", "seconds"}
        assert row["d"] == 16 and row["B"] == 4 and row["seconds"] > 0
    without = [r["implementation"] for r in lesson_grid.run_small_grid(d=16, ns=(16,), B=4, repeats=1)]
    assert without == ["numpy_loop", "torch_loop", "torch_nn_rnn", "torch_attention", "torch_sdpa"]
    # A wrong numpy attention (here: no attention at all, O = E) is refused before it is timed.
    with pytest.raises(AssertionError, match="numpy_attention"):
        lesson_grid.run_small_grid(d=16, ns=(16,), B=4, repeats=1, numpy_attention=lambda E: (E, None))
    # Shared with the report (one implementation); n = 64 >= 4d makes a prediction possible.
    assert lesson_grid.predicted_crossover is crossover.predicted_crossover
    assert lesson_grid.measured_crossover is crossover.measured_crossover
    predicted = lesson_grid.predicted_crossover(rows)
    assert predicted is not None and math.isfinite(predicted) and predicted > 0
