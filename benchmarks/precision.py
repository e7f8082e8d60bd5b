"""Keep every torch computation in true fp32 (IEEE single precision), and report the flags that say so.

On NVIDIA GPUs since Ampere, torch may run fp32 matmuls and cuDNN RNNs on TF32 tensor cores (10-bit mantissa),
which is several times faster and would make an "fp32" comparison dishonest. Depending on the torch version,
cuDNN RNNs default to TF32. Newer torch (>= 2.9) controls this with `fp32_precision` ("ieee" = true fp32);
older torch with the `allow_tf32` flags. Mixing the two APIs makes torch raise, so only one is used.

tf32_matmuls() lifts the rule for one block: the TF32 ceiling (benchmarks/ceiling_impls.py) measures what the
suite gives up by staying in fp32.
"""

import contextlib

import torch

# Leaves of the newer API that exist in some torch versions; "ieee" is set on each one that exists.
_FP32_PRECISION_PATHS = (
    ("cuda", "matmul"), ("cudnn", "conv"), ("cudnn", "rnn"),
    ("mkldnn", "matmul"), ("mkldnn", "conv"), ("mkldnn", "rnn"),
)


def force_ieee_fp32():
    """Disable TF32 (and any reduced-precision fp32 mode) everywhere; return {flag name: value} as set."""
    backends = torch.backends
    if hasattr(backends, "fp32_precision"):
        backends.fp32_precision = "ieee"
        flags = {"fp32_precision": backends.fp32_precision}
        for path in _FP32_PRECISION_PATHS:
            node = backends
            for part in path:
                node = getattr(node, part, None)
            if node is not None and hasattr(node, "fp32_precision"):
                node.fp32_precision = "ieee"
                flags[".".join(path) + ".fp32_precision"] = node.fp32_precision
        return flags
    backends.cuda.matmul.allow_tf32 = False
    backends.cudnn.allow_tf32 = False
    return {"cuda.matmul.allow_tf32": backends.cuda.matmul.allow_tf32,
            "cudnn.allow_tf32": backends.cudnn.allow_tf32}


@contextlib.contextmanager
def tf32_matmuls():
    """Inside the block CUDA fp32 matmuls may use TF32 (a no-op for CPU matmuls); the previous setting after."""
    matmul = torch.backends.cuda.matmul
    name, value = ("fp32_precision", "tf32") if hasattr(torch.backends, "fp32_precision") else ("allow_tf32", True)
    before = getattr(matmul, name)
    setattr(matmul, name, value)
    try:
        yield
    finally:
        setattr(matmul, name, before)
