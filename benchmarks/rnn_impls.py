"""The sequential RNN, h_t = tanh(W_x x_t + W_h h_{t-1} + b) for t = 0..n-1, in four implementations.

Each step needs the previous step's h, so only the work inside one step (two (d, d) @ (d, B) products) can run in
parallel; the n steps run one after the other however many cores there are.

Inputs come from benchmarks.problem (x_t of shape (d, B), weights (d, d)); every factory returns a Prepared whose
output holds all hidden states.
"""

import numpy as np
import torch

from benchmarks.machine import synchronize
from benchmarks.prepared import Prepared
from lesson.models.rnn import rnn_hidden_states


def numpy_loop(problem, device):
    """The lesson's numpy RNN (lesson.models.rnn), unchanged: a Python loop over time. Output (n, d, B)."""
    p = problem

    def run():
        return rnn_hidden_states(p.xs, p.Wxh, p.Whh, p.bh, p.h0)  # (n, d, B)

    return Prepared(run, lambda hs, k: hs[:, :, :k].astype(np.float64))


def _torch_weights(problem, device):
    def t(a):
        return torch.from_numpy(np.ascontiguousarray(a)).to(device)
    p = problem
    return t(p.xs), t(p.Wxh), t(p.Whh), t(p.bh), t(p.h0)


def _torch_steps(xs, Wxh, Whh, bh, h0, hs):
    """The loop body shared by the eager and the CUDA-graph versions; writes h_t into hs[t].

    addmm fuses the bias into the first product and adds the second in place: 3 kernels a step instead of the 5
    of the literal formula, so the loop is not handicapped by launches a careful user would avoid.
    """
    h = h0  # (d, B)
    for t in range(xs.shape[0]):
        a = torch.addmm(bh, Wxh, xs[t])  # (d, B): W_x x_t + b
        a.addmm_(Whh, h)  # (d, B): + W_h h_{t-1}
        h = torch.tanh(a, out=hs[t])  # (d, B)


def torch_loop(problem, device):
    """The same Python loop in torch, eager mode. Output (n, d, B)."""
    xs, Wxh, Whh, bh, h0 = _torch_weights(problem, device)

    def run():
        with torch.no_grad():
            hs = torch.empty_like(xs)  # (n, d, B); input and hidden size are both d
            _torch_steps(xs, Wxh, Whh, bh, h0, hs)
        synchronize(device)
        return hs

    return Prepared(run, lambda hs, k: hs[:, :, :k].double().cpu().numpy())


def torch_nn_rnn(problem, device):
    """torch.nn.RNN (tanh, one layer) with the same weights: the time loop runs in C++ or cuDNN.

    nn.RNN has two biases (b_ih + b_hh); b_hh = 0 makes it the kit's RNN. Its layout is (n, B, d), so the inputs
    are transposed once here, untimed. Output (n, B, d).
    """
    n, d, B = problem.shape
    rnn = torch.nn.RNN(d, d, nonlinearity="tanh", bias=True).to(device)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(problem.Wxh))
        rnn.weight_hh_l0.copy_(torch.from_numpy(problem.Whh))
        rnn.bias_ih_l0.copy_(torch.from_numpy(problem.bh[:, 0]))
        rnn.bias_hh_l0.zero_()
    rnn.flatten_parameters()  # cuDNN wants one contiguous weight buffer; a no-op on CPU
    x = torch.from_numpy(problem.xs).permute(0, 2, 1).contiguous().to(device)  # (n, B, d)
    h0 = torch.from_numpy(problem.h0.T).contiguous()[None].to(device)  # (1, B, d)

    def run():
        with torch.no_grad():
            out, _ = rnn(x, h0)  # (n, B, d)
        synchronize(device)
        return out

    return Prepared(run, lambda out, k: out[:, :k, :].permute(0, 2, 1).double().cpu().numpy())


def torch_loop_cuda_graph(problem, device):
    """GPU only: the torch loop recorded once as a CUDA graph and replayed with one launch.

    An eager GPU loop pays a kernel launch (~5 us of CPU-side work) for each of its 3 n kernels, each of which does
    only microseconds of arithmetic; replaying a graph removes the Python and launch overhead but not the
    dependency between steps. Inputs and output live in static buffers that the graph reads and writes.
    UNVERIFIED until a run on a GPU machine has happened.
    """
    if device != "cuda":
        raise ValueError("CUDA graphs need device='cuda'")
    xs, Wxh, Whh, bh, h0 = _torch_weights(problem, device)
    hs = torch.empty_like(xs)  # (n, d, B), static output buffer
    with torch.no_grad():
        # Warm up on a side stream before capture, as torch's CUDA-graph notes require (lazy cuBLAS init).
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                _torch_steps(xs, Wxh, Whh, bh, h0, hs)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            _torch_steps(xs, Wxh, Whh, bh, h0, hs)
    torch.cuda.synchronize()

    def run():
        graph.replay()
        torch.cuda.synchronize()
        return hs

    return Prepared(run, lambda out, k: out[:, :, :k].double().cpu().numpy())


# name -> (devices it runs on, factory(problem, device) -> Prepared)
IMPLEMENTATIONS = {
    "numpy_loop": (("cpu",), numpy_loop),
    "torch_loop": (("cpu", "cuda"), torch_loop),
    "torch_nn_rnn": (("cpu", "cuda"), torch_nn_rnn),
    "torch_loop_cuda_graph": (("cuda",), torch_loop_cuda_graph),
}
