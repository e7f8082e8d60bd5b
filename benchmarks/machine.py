"""What a result was measured on: device names and library versions, recorded with every benchmark."""

import os
import platform

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


def versions(device):
    """Library versions that change the numbers: torch, numpy, python; CUDA and cuDNN on a GPU."""
    info = {"torch_version": torch.__version__, "numpy_version": np.__version__,
            "python_version": platform.python_version()}
    if device == "cuda":
        info["cuda_version"] = torch.version.cuda
        info["cudnn_version"] = torch.backends.cudnn.version()
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
