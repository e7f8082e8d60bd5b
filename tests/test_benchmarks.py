"""The benchmark suite itself, run on its tiny grid so it cannot rot (no timing is asserted).

Runs `pytest benchmarks --bench-tiny` in a subprocess (the suite has its own conftest and options, and a plain
`pytest` never collects it), then checks that the JSON holds every CPU implementation at every (n, d) with the
metadata the report relies on, and that the cuda cases skip with a reason when there is no GPU.
"""

import json
import pathlib
import subprocess
import sys
import tomllib

import pytest
import torch

from benchmarks import calibrate, machine
from benchmarks.check import check_output
from benchmarks.flops import family_flops, matmul_flops
from benchmarks.ceiling_impls import work
from benchmarks.grid import GRIDS, cases, ceiling_size
from benchmarks.machine import cuda_skip_reason
from benchmarks.names import FAMILIES, TORCH_OPS_PER_STEP
from benchmarks.precision import tf32_matmuls
from benchmarks.rnn_impls import _torch_steps
from tests.nested_pytest import environment

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "tiny.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "benchmarks", "--bench-tiny", f"--benchmark-json={out}",
         "-p", "no:cacheprovider", "-q", "-rs"],
        cwd=ROOT, capture_output=True, text=True, timeout=240, env=environment())
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return json.loads(out.read_text()), proc.stdout


def test_every_cpu_implementation_is_measured_with_its_metadata(tiny_run):
    data, _ = tiny_run
    widths, lengths, peak_size = GRIDS["tiny"]
    seen = {}
    for bench in data["benchmarks"]:
        info = bench["extra_info"]
        if info["device"] != "cpu":
            continue
        assert info["threads"] == 1 and info["torch_threads"] == 1
        assert info["torch_version"] == torch.__version__ and info["numpy_version"]
        assert info["device_name"] and info["dtype"] == "float32" and info["cores_available"] >= 1
        assert info["check_max_abs_err"] <= info["check_atol"]
        assert bench["stats"]["rounds"] >= 1 and bench["stats"]["median"] > 0
        assert info["page_faults_per_call"] >= 0 and info["allocator"]
        if info["family"] == "ceiling":
            name = info["implementation"]
            assert info["size"] == ceiling_size(name, "cpu", "tiny")
            assert (info["work"], info["work_unit"]) == work(name, info["size"])
            seen[("ceiling", name)] = bench["group"]
        elif info["family"] == "peak":
            assert info["size"] == peak_size and info["flops"] == matmul_flops(peak_size)
            seen[("peak", info["implementation"], peak_size)] = bench["group"]
        else:
            assert info["B"] == 32
            assert info["flops"] == family_flops(info["family"], info["n"], info["d"], info["B"])
            seen[(info["family"], info["implementation"], info["n"], info["d"])] = bench["group"]
    expected = {("peak", name, peak_size) for name in ("numpy_matmul", "torch_matmul")}
    expected |= {("ceiling", name) for name in FAMILIES["ceiling"] if name != "launch_graph"}  # GPU only
    for family in ("rnn", "attention"):
        for name in FAMILIES[family]:
            if name != "torch_loop_cuda_graph":  # GPU only
                expected |= {(family, name, n, d) for n in lengths for d in widths}
    assert set(seen) == expected
    # One table per (device, d, n) holding both families.
    for key, group in seen.items():
        if key[0] == "ceiling":
            assert group == "cpu ceilings"
        elif key[0] != "peak":
            assert group == f"cpu d={key[3]} n={key[2]}"


def test_cuda_cases_skip_cleanly_without_a_gpu(tiny_run):
    data, stdout = tiny_run
    reason = cuda_skip_reason()
    cuda_benchmarks = [b for b in data["benchmarks"] if b["extra_info"]["device"] == "cuda"]
    if reason is None:  # on a GPU machine the cuda cases must have run instead
        assert cuda_benchmarks
        return
    assert not cuda_benchmarks
    assert reason.startswith("cuda: no GPU")
    # The RNN/attention/peak suite skips only its cuda cases (the class-grading benchmark is opt-in apart).
    suite = ("test_rnn.py", "test_attention.py", "test_peak.py", "test_ceilings.py")
    skipped = [line for line in stdout.splitlines() if line.startswith("SKIPPED") and any(f in line for f in suite)]
    assert skipped and all(reason in line for line in skipped), stdout[-3000:]


def test_quick_mode_skips_only_slow_cpu_attention():
    skipped = [(c, r) for c, r in cases("attention", "quick", devices=("cpu",)) if r]
    assert skipped and all(c.n == 4096 and "--bench-quick" in r for c, r in skipped)
    assert not any(r for _, r in cases("rnn", "quick", devices=("cpu",)))
    assert not any(r for _, r in cases("attention", "full", devices=("cpu",)))


def test_plain_pytest_does_not_collect_the_benchmarks():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]
    assert not list((ROOT / "tests").glob("bench*"))


def test_round_planning():
    quick = calibrate.BUDGETS["quick"]
    assert calibrate.plan_rounds(10.0, quick) == (1, 1)  # slowest cases: a single round
    assert calibrate.plan_rounds(10.0, quick, min_rounds=3) == (3, 1)
    # A call longer than the case's share but shorter than single_round_above_s: still a median of 3.
    assert calibrate.plan_rounds(0.7, quick) == (3, 1)
    rounds, iterations = calibrate.plan_rounds(1e-5, quick)  # short calls: >= 1 ms per round
    assert iterations * 1e-5 >= quick.min_round_s and rounds == quick.max_rounds
    # GPU cases of the full grid get their own (shorter) budget; CPU cases and the tiny grid keep the mode's.
    assert calibrate.case_budget("full", "cuda") is calibrate.GPU_BUDGET
    assert calibrate.case_budget("full", "cpu") is calibrate.BUDGETS["full"]
    assert calibrate.case_budget("tiny", "cuda") is calibrate.BUDGETS["tiny"]


def test_a_wrong_answer_fails_the_check():
    want = torch.randn(8, 4, 2, dtype=torch.float64).tanh().numpy()
    assert check_output("rnn", want + 1e-6, want, "ok") == pytest.approx(1e-6)
    with pytest.raises(AssertionError, match="tolerance"):
        check_output("rnn", want + 1e-3, want, "off")
    with pytest.raises(AssertionError, match="tolerance"):
        check_output("rnn", want * float("nan"), want, "nan")


class _CountTorchOps(torch.overrides.TorchFunctionMode):
    """Names of the torch functions called inside the block, views and attribute reads left out (no kernel)."""

    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", str(func))
        if name not in ("__getitem__", "__get__"):
            self.ops.append(name)
        return func(*args, **(kwargs or {}))


def test_the_torch_loop_issues_the_ops_per_step_the_report_counts():
    n, d, B = 5, 4, 3
    xs, h0, hs = torch.randn(n, d, B), torch.randn(d, B), torch.empty(n, d, B)
    weights, bias = torch.randn(d, d), torch.randn(d, 1)
    with _CountTorchOps() as counter:
        _torch_steps(xs, weights, weights, bias, h0, hs)
    assert counter.ops == ["addmm", "addmm_", "tanh"] * n and len(counter.ops) == TORCH_OPS_PER_STEP * n


def test_tf32_is_allowed_only_inside_its_block():
    matmul = torch.backends.cuda.matmul
    name = "fp32_precision" if hasattr(torch.backends, "fp32_precision") else "allow_tf32"
    before = getattr(matmul, name)
    with tf32_matmuls():
        assert getattr(matmul, name) in ("tf32", True)
    assert getattr(matmul, name) == before


def test_a_gpu_run_refuses_to_start_without_a_gpu(capsys):
    status = machine.main(["--require", "cuda"])
    printed = capsys.readouterr()
    if cuda_skip_reason() is None:
        assert status == 0 and "gpu: " in printed.out
    else:
        assert status == 1 and cuda_skip_reason() in printed.err
