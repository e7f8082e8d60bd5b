"""Fix how many CPU threads torch and numpy's BLAS may use, and say how it was fixed.

A benchmark's thread count is part of its result: a 2-core laptop and a 64-core server differ mostly in it.
torch is limited with torch.set_num_threads. numpy's BLAS (OpenBLAS in the wheels) is limited with threadpoolctl
when it is installed; otherwise through OPENBLAS_NUM_THREADS and friends, which OpenBLAS reads only once, when
numpy is first imported. The returned info says which route worked, so a run never claims a limit it lacked.
"""

import contextlib
import os
import sys

BLAS_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def available_cores():
    """Cores this process may run on (the affinity mask, not the machine's total, which can be larger)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parse_threads(value):
    """'all' -> every available core; otherwise a positive integer."""
    if str(value).lower() == "all":
        return available_cores()
    threads = int(value)
    if threads < 1:
        raise ValueError(f"thread count must be >= 1 or 'all', got {value!r}")
    return threads


@contextlib.contextmanager
def thread_limit(threads):
    """Limit torch and numpy's BLAS to `threads` threads inside the block; yield a dict describing the limit.

    Keys: threads, torch_threads, numpy_blas_threads (a count, or None when it cannot be read),
    numpy_threads_control (how numpy's BLAS was limited, or why it was not).
    """
    env_before = {name: os.environ.get(name) for name in BLAS_ENV_VARS}
    numpy_was_loaded = "numpy" in sys.modules
    if not numpy_was_loaded:
        # Only effective before OpenBLAS loads; harmless otherwise (restored below).
        for name in BLAS_ENV_VARS:
            os.environ[name] = str(threads)

    import torch  # imports numpy, so after the environment is set

    torch_before = torch.get_num_threads()
    torch.set_num_threads(threads)
    info = {"threads": threads, "torch_threads": torch.get_num_threads()}
    with contextlib.ExitStack() as stack:
        try:
            import threadpoolctl
        except ImportError:
            threadpoolctl = None
        if threadpoolctl is not None:
            stack.enter_context(threadpoolctl.threadpool_limits(limits=threads, user_api="blas"))
            blas = [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
            info["numpy_blas_threads"] = max(blas) if blas else None
            info["numpy_threads_control"] = "threadpoolctl"
        elif not numpy_was_loaded:
            info["numpy_blas_threads"] = threads
            info["numpy_threads_control"] = "env " + "/".join(BLAS_ENV_VARS) + " set before numpy was imported"
        else:
            info["numpy_blas_threads"] = None
            info["numpy_threads_control"] = (
                "not fixed: numpy was imported before the limit and threadpoolctl is not installed")
        try:
            yield info
        finally:
            torch.set_num_threads(torch_before)
            for name, value in env_before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
