"""The report and the crossover helpers on synthetic pytest-benchmark JSON whose answers are known exactly.

CPU: times are built from formulas: t_rnn = a n (exponent 1), t_att = c n^2 (exponent 2), so s = t_rnn / t_att =
a / (c n) is linear in log-log and the measured crossover is a / c exactly; throughputs R_rnn = 4 B d^2 / a and
R_att = 4 B d / c are constant, so the predicted d R_att / R_rnn is a / c too; the peak is 100 GFLOP/s exactly.

GPU (gpu_synthetic): SDPA flat at T0 while n <= 256 (exponent 0: the chip not full), T0 (n / 256)^2 beyond
(exponent 2); the graph-replayed RNN 8 us a step = 4 graph kernels of 2 us, the eager loop 40 us a step = 5 eager
ops of 8 us (exponent 1), nn.RNN 10 us a step up to n = 1024 and 13 us at 4096 (a 30 % spread: flagged). The
fastest pair crosses twice, s = n / 32 below 256 and 2048 / n above: at n = 32 and n = 2048, and the prediction
d R_att / R_rnn is 2048. The peak is set so that SDPA runs at 50 % of it from n = 256 on.
"""

import json
import math
import re

import pytest

from benchmarks import crossover, lesson_grid, report, scaling
from benchmarks.flops import family_flops, matmul_flops
from benchmarks.load import load_rows, sections
from benchmarks.scaling import scaling_exponent
from reference.attention import self_attention as reference_attention

B, D, NS = 32, 64, (16, 64, 256, 1024, 4096)
A, C = 1e-4, 5e-7  # crossover a / c = 200
PEAK = 100e9


def bench(device, family, implementation, seconds, name="Fake CPU", **sizes):
    info = {"device": device, "device_name": name, "implementation": implementation, "family": family,
            "threads": 1, "torch_version": "t", "numpy_version": "np", "mode": "full",
            "load_avg_1m": 3.0, "cores_available": 2, "page_faults_per_call": 0.0, **sizes}
    if family == "peak":
        info.update(flops=matmul_flops(sizes["size"]), check_max_abs_err=1e-4)
    elif family != "ceiling":
        info.update(d=D, B=B, flops=family_flops(family, sizes["n"], D, B))
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


T0, GRAPH_STEP, EAGER_STEP, EAGER_OP, GRAPH_KERNEL = 256e-6, 8e-6, 40e-6, 8e-6, 2e-6
GPU_PEAK = 2 * family_flops("attention", 256, D, B) / T0  # SDPA at 50 % from n = 256 on
LAUNCHES, COPY_MIB = 1000, 1024


def sdpa_seconds(n):
    return T0 if n <= 256 else T0 * (n / 256) ** 2


def torch_attention_seconds(n):
    """4 T0 (n / 256)^k with k = 0.5 up to n = 256 and 2 beyond: as fast as SDPA at n = 16, 4x slower from 256."""
    return 4 * T0 * (n / 256) ** (0.5 if n <= 256 else 2)


def gpu_synthetic():
    name = "Fake GPU"
    benchmarks = [bench("cuda", "peak", "torch_matmul", matmul_flops(4096) / GPU_PEAK, name, size=4096)]
    tf32 = bench("cuda", "ceiling", "torch_matmul_tf32", matmul_flops(4096) / (8 * GPU_PEAK), name, size=4096,
                 work=matmul_flops(4096), work_unit="flop", check_max_abs_err=0.03)
    copy = bench("cuda", "ceiling", "torch_copy", 5e-4, name, size=COPY_MIB, work=2 * COPY_MIB * 2 ** 20,
                 work_unit="byte", check_max_abs_err=0.0)
    eager = bench("cuda", "ceiling", "launch_eager", LAUNCHES * EAGER_OP, name, size=LAUNCHES, work=LAUNCHES,
                  work_unit="launch", check_max_abs_err=0.0)
    graph = bench("cuda", "ceiling", "launch_graph", LAUNCHES * GRAPH_KERNEL, name, size=LAUNCHES,
                  work=LAUNCHES, work_unit="launch", check_max_abs_err=0.0)
    benchmarks += [tf32, copy, eager, graph]
    for n in NS:
        benchmarks.append(bench("cuda", "attention", "torch_sdpa", sdpa_seconds(n), name, n=n))
        benchmarks.append(bench("cuda", "attention", "torch_attention", torch_attention_seconds(n), name, n=n))
        benchmarks.append(bench("cuda", "rnn", "torch_loop_cuda_graph", GRAPH_STEP * n, name, n=n))
        benchmarks.append(bench("cuda", "rnn", "torch_loop", EAGER_STEP * n, name, n=n))
        benchmarks.append(bench("cuda", "rnn", "torch_nn_rnn", (10e-6 if n <= 1024 else 13e-6) * n, name, n=n))
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
                    "cpu-Fake-CPU-1threads-vs-cuda-Fake-GPU-1threads.png",
                    "cuda-Fake-GPU-1threads-speedup.png", "cuda-Fake-GPU-1threads-time.png"]
    assert "figures: cpu-Fake-CPU-1threads-time.png, cpu-Fake-CPU-1threads-speedup.png" in text  # no folders
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_gpu_section_slopes_per_step_launch_costs_crossings_and_ceilings(tmp_path):
    gpu = tmp_path / "gpu.json"
    gpu.write_text(json.dumps(gpu_synthetic()))
    cpu = tmp_path / "cpu.json"
    cpu.write_text(json.dumps(synthetic()))
    out = tmp_path / "report"
    text = report.report([cpu, gpu], out)
    gpu_text = text[text.index("cuda: Fake GPU"):]
    # Ceilings: TF32 8x the peak, its error 300x fp32's; 2 GiB moved in 0.5 ms; the launch costs per op.
    assert f"peak fp32 matmul: {GPU_PEAK / 1e9:.1f} GFLOP/s" in gpu_text
    assert "= 8.00x fp32; max error 0.03 against fp32's 0.0001: TF32 took effect" in gpu_text
    assert f"copy bandwidth: {2 * COPY_MIB * 2 ** 20 / 5e-4 / 1e9:.1f} GB/s" in gpu_text
    assert "one eager torch op 8 us, one CUDA-graph kernel 2 us" in gpu_text
    # Slopes: attention flat over short n (0.00, never -0.00), quadratic over long n; the RNNs' 1.00 in both.
    short = gpu_text[gpu_text.index("short sequences"):gpu_text.index("measured over")]
    assert "torch_sdpa 0.00" in short and "torch_attention 0.50" in short and "torch_loop 1.00" in short
    assert "attention's time grew as n^0.00 (torch_sdpa, the flattest), the RNN's as n^1.00" in gpu_text
    long = gpu_text[gpu_text.index("scaling exponent"):gpu_text.index("short sequences")]
    assert "torch_sdpa 2.00" in long and "torch_loop_cuda_graph 1.00" in long
    # Per step, against the launch costs; nn.RNN's 30 % spread is flagged, the constant ones are not.
    assert "torch_loop 40 us = 5 eager ops = 20 graph kernels" in gpu_text
    assert "torch_loop_cuda_graph 8 us = 1 eager ops = 4 graph kernels" in gpu_text
    assert "torch_loop 0%" in gpu_text and "torch_nn_rnn 30%" in gpu_text
    warnings = re.findall(r"WARNING: (\w+)'s time per step varies by (\d+)%", gpu_text)
    assert warnings == [("torch_nn_rnn", "30")]
    assert "page faults per call in the timed rounds: 0 in every RNN case" in gpu_text
    # Two crossings of the fastest pair; the prediction is the last one. SDPA at 50 % of the peak.
    assert re.search(r"fastest/fastest +32, 2048 +2048 +1.00 ", gpu_text)
    assert re.search(r"torch_loop/torch_attention +2560 +2560 +1.00 ", gpu_text)
    assert "= 50% of the fp32 matmul ceiling" in gpu_text
    assert crossover.measured_crossovers(
        [r for r in load_rows([gpu]) if r["family"] != "peak"]) == pytest.approx([32, 2048])
    # Figures: the GPU section's own, and CPU versus GPU.
    assert (out / "cpu-Fake-CPU-1threads-vs-cuda-Fake-GPU-1threads.png").stat().st_size > 10_000
    assert (out / "cuda-Fake-GPU-1threads-time.png").stat().st_size > 10_000


def test_per_step_spread_flag_at_its_limit():
    steady = {256: 256 * 1e-5, 1024: 1024 * 1e-5, 4096: 4096 * 1.19e-5}
    assert scaling.per_step_spread(steady) == pytest.approx(0.19)
    assert scaling.per_step_spread(steady) <= scaling.PER_STEP_SPREAD_LIMIT
    bent = {**steady, 4096: 4096 * 1.25e-5}
    assert scaling.per_step_spread(bent) == pytest.approx(0.25) and scaling.per_step_spread(bent) > 0.2
    assert scaling.per_step_spread({16: 1.0, 4096: 999.0}) is None  # only n >= 256 counts; one point is no spread


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
