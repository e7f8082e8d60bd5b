"""What a result was measured on: device names and library versions, recorded with every benchmark.

    python -m benchmarks.machine [--require cpu|cuda]

prints the machine (CPU, GPU, driver, torch, CUDA, cuDNN, numpy, Python) and, with --require cuda, exits with
status 1 and the reason when no GPU is usable: a GPU run must not end as a JSON of skipped cases.
"""

import argparse
import functools
import os
import platform
import shutil
import subprocess
import sys

import numpy as np
import torch


def cpu_model():
    """The CPU's model name from /proc/cpuinfo (Linux), else what the platform module knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def cuda_skip_reason():
    """None when a CUDA device is usable, else a sentence saying why the cuda cases are skipped."""
    if torch.version.cuda is None:
        return f"cuda: no GPU: this torch ({torch.__version__}) is a CPU-only build"
    if not torch.cuda.is_available():
        return f"cuda: no GPU: torch {torch.__version__} (CUDA {torch.version.cuda}) sees no CUDA device"
    return None


def device_name(device):
    """Human-readable name of 'cpu' (CPU model) or 'cuda' (GPU model)."""
    if device == "cuda":
        return torch.cuda.get_device_name()
    return cpu_model()


@functools.lru_cache(maxsize=1)  # every GPU benchmark records it; ask nvidia-smi once
def driver_version():
    """The NVIDIA driver's version (nvidia-smi, else /proc/driver/nvidia/version), or None."""
    if shutil.which("nvidia-smi"):
        done = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=30)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.split()[0]
    try:
        with open("/proc/driver/nvidia/version") as f:
            return f.readline().strip()
    except OSError:
        return None


def versions(device):
    """Library versions that change the numbers: torch, numpy, python; CUDA, cuDNN and the driver on a GPU."""
    info = {"torch_version": torch.__version__, "numpy_version": np.__version__,
            "python_version": platform.python_version()}
    if device == "cuda":
        info["cuda_version"] = torch.version.cuda
        info["cudnn_version"] = torch.backends.cudnn.version()
        info["driver_version"] = driver_version()
    return info



def load_average():
    """The 1-minute load average (runnable processes, this one included), or None where the OS has none.

    Recorded with every case: on a shared machine other work competing for the cores is the main source of
    noise, and the report warns when it was there."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def synchronize(device):
    """Wait until the device has finished all queued work (GPU kernels run asynchronously to Python)."""
    if device == "cuda":
        torch.cuda.synchronize()


def describe():
    """Lines describing this machine for a run's log."""
    lines = [f"cpu: {cpu_model()}, {os.cpu_count()} cores; python {platform.python_version()}, "
             f"torch {torch.__version__}, numpy {np.__version__}"]
    reason = cuda_skip_reason()
    if reason:
        return lines + [reason]
    props = torch.cuda.get_device_properties(0)
    lines.append(f"gpu: {props.name}, {props.multi_processor_count} multiprocessors, "
                 f"{props.total_memory / 2 ** 30:.1f} GiB, compute capability {props.major}.{props.minor}; "
                 f"driver {driver_version()}; CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.machine", description=__doc__.split("\n")[0])
    parser.add_argument("--require", choices=("cpu", "cuda"), default="cpu",
                        help="exit with status 1 when this device is not usable")
    args = parser.parse_args(argv)
    print("\n".join(describe()))
    if args.require == "cuda" and cuda_skip_reason():
        print(f"cannot run the GPU benchmarks: {cuda_skip_reason()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
