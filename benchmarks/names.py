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
FAMILIES = {"rnn": RNN_IMPLEMENTATIONS, "attention": ATTENTION_IMPLEMENTATIONS, "peak": PEAK_IMPLEMENTATIONS}

BEST = "best"  # stands for the fastest implementation of a family at each n
# (RNN, attention) pairs whose speedup and crossover the report shows; "best" vs "best" first.
PAIRS = (
    (BEST, BEST),
    ("numpy_loop", "numpy_attention"),
    ("torch_loop", "torch_attention"),
    ("torch_nn_rnn", "torch_sdpa"),
    ("torch_loop_cuda_graph", "torch_sdpa"),
)
