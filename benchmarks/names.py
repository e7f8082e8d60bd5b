"""Names of the benchmarked implementations, grouped by family, and the RNN/attention pairs the report compares.

Kept free of torch so that the report can read results on a machine without it.
"""

RNN_IMPLEMENTATIONS = (
    "numpy_loop",             # the lesson's numpy RNN: lesson.models.rnn.rnn_hidden_states, a Python loop over time
    "torch_loop",             # the same loop in torch (CPU or GPU), one step after the other
    "torch_nn_rnn",           # torch.nn.RNN: the whole loop in C++ (cuDNN on a GPU)
    "torch_loop_cuda_graph",  # GPU only: the torch loop captured once in a CUDA graph and replayed
)
ATTENTION_IMPLEMENTATIONS = (
    "numpy_attention",        # softmax(x x^T / sqrt(d)) x with batched numpy matmuls
    "torch_attention",        # the same formula with torch.matmul and torch.softmax
    "torch_sdpa",             # torch.nn.functional.scaled_dot_product_attention on 4-D (B, 1, n, d) input
)
PEAK_IMPLEMENTATIONS = (
    "numpy_matmul",           # CPU only: numpy's BLAS sgemm
    "torch_matmul",           # torch.mm (MKL/oneDNN on CPU, cuBLAS on a GPU)
)
CEILING_IMPLEMENTATIONS = (
    "torch_copy",             # a copy far above the last-level cache: memory bandwidth
    "torch_matmul_tf32",      # the peak matmul with TF32 allowed: the rate the suite's fp32 gives up
    "launch_eager",           # tiny in-place ops from Python: the cost of one eager op (a kernel launch on a GPU)
    "launch_graph",           # GPU only: the same ops replayed from a CUDA graph: one dependent kernel
)
FAMILIES = {"rnn": RNN_IMPLEMENTATIONS, "attention": ATTENTION_IMPLEMENTATIONS, "peak": PEAK_IMPLEMENTATIONS,
            "ceiling": CEILING_IMPLEMENTATIONS}

# torch ops in one step of the torch loop (rnn_impls._torch_steps: addmm, addmm_, tanh), each at least one kernel
# on a GPU: an eager loop cannot beat TORCH_OPS_PER_STEP eager ops a step.
TORCH_OPS_PER_STEP = 3

BEST = "best"  # stands for the fastest implementation of a family at each n
# (RNN, attention) pairs whose speedup and crossover the report shows; "best" vs "best" first.
PAIRS = (
    (BEST, BEST),
    ("numpy_loop", "numpy_attention"),
    ("torch_loop", "torch_attention"),
    ("torch_nn_rnn", "torch_sdpa"),
    ("torch_loop_cuda_graph", "torch_sdpa"),
)
