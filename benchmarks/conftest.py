"""pytest options and set-up for the benchmark suite (run as `pytest benchmarks ...`, never by a plain `pytest`,
whose testpaths is tests/).

Options:
  --bench-threads=N|all   CPU threads for torch and numpy's BLAS (default 1: what one core can do; `all` =
                          every core this process may use). Fixed before numpy is imported, and recorded.
  --bench-quick           leave out the slowest cases (CPU attention at n = 4096); fewer rounds.
  --bench-tiny            CI smoke grid: d = 32, n in {16, 64}, a 256^3 peak; exercises every code path.
  --bench-device=all|cpu|cuda   which devices to generate cases for (cuda cases skip without a GPU).
"""

import pytest

from benchmarks.threads import parse_threads, thread_limit

RUN_KEY = pytest.StashKey[dict]()


def pytest_addoption(parser):
    group = parser.getgroup("seqlab benchmarks")
    group.addoption("--bench-threads", default="1", type=str,
                    help="CPU threads for torch and numpy BLAS: a number or 'all' (default 1)")
    group.addoption("--bench-quick", action="store_true", help="leave out the slowest cases, fewer rounds")
    group.addoption("--bench-tiny", action="store_true", help="tiny CI grid: d=32, n in {16, 64}")
    group.addoption("--bench-device", default="all", choices=("all", "cpu", "cuda"),
                    help="devices to run (default all; cuda skips when there is no GPU)")


def _mode(config):
    if config.getoption("--bench-tiny"):
        return "tiny"
    return "quick" if config.getoption("--bench-quick") else "full"


def pytest_configure(config):
    # Here, before any test module imports numpy, so that the environment route for OpenBLAS still works.
    limit = thread_limit(parse_threads(config.getoption("--bench-threads")))
    threads_info = limit.__enter__()
    config.add_cleanup(lambda: limit.__exit__(None, None, None))

    from benchmarks.memory import keep_freed_memory
    from benchmarks.precision import force_ieee_fp32

    precision = force_ieee_fp32()
    config.stash[RUN_KEY] = {"mode": _mode(config), "threads": threads_info, "allocator": keep_freed_memory(),
                             "precision": ",".join(f"{k}={v}" for k, v in precision.items())}


def pytest_report_header(config):
    from benchmarks.machine import cpu_model, cuda_skip_reason, device_name

    run = config.stash[RUN_KEY]
    t = run["threads"]
    cuda = cuda_skip_reason() or device_name("cuda")
    return [f"seqlab benchmarks: mode={run['mode']}, cpu={cpu_model()}, cuda={cuda}",
            f"  threads={t['threads']} (torch {t['torch_threads']}; numpy BLAS {t['numpy_blas_threads']} via "
            f"{t['numpy_threads_control']}); precision {run['precision']}",
            f"  memory: {run['allocator']}"]


def pytest_generate_tests(metafunc):
    """Parametrize each benchmark module's `case` argument with its family's grid (module attribute FAMILY)."""
    if "case" not in metafunc.fixturenames:
        return
    from benchmarks.grid import DEVICES, pytest_params

    config = metafunc.config
    choice = config.getoption("--bench-device")
    devices = DEVICES if choice == "all" else (choice,)
    metafunc.parametrize("case", pytest_params(metafunc.module.FAMILY, config.stash[RUN_KEY]["mode"], devices))


@pytest.fixture(scope="session")
def bench_run(pytestconfig):
    """The session's settings: mode, thread limit info, precision flags, allocator setting."""
    return pytestconfig.stash[RUN_KEY]
