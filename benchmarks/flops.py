"""Floating-point operation counts (a multiply-add counts 2) of the benchmarked computations.

RNN, n steps of h_t = tanh(W_x x_t + W_h h_{t-1} + b) with x_t, h_t of shape (d, B):
    two (d, d) @ (d, B) products per step, 2 d^2 B each          ->  F_rnn = 4 n B d^2
Self-attention softmax(Q K^T / sqrt(d)) V with Q = K = V = x of shape (B, n, d):
    Q K^T: 2 B n^2 d,  weights @ V: 2 B n^2 d                    ->  F_att = 4 B n^2 d
(tanh, bias, scaling and softmax are O(n B d) and O(B n^2): left out, as is usual.)
Square matmul of side s: F_mm = 2 s^3.

Equal times at equal throughput R: 4 n B d^2 / R_rnn = 4 B n^2 d / R_att  =>  n* = d R_att / R_rnn
(Vaswani et al. 2017, section 4: self-attention is cheaper than recurrence when n < d.)
"""


def rnn_flops(n, d, B):
    return 4 * n * B * d * d


def attention_flops(n, d, B):
    return 4 * B * n * n * d


def matmul_flops(size):
    return 2 * size ** 3


def family_flops(family, n, d, B):
    """F for family 'rnn' or 'attention'."""
    if family == "rnn":
        return rnn_flops(n, d, B)
    if family == "attention":
        return attention_flops(n, d, B)
    raise ValueError(f"unknown family {family!r}")
