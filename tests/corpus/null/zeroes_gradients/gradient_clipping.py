"""does nothing useful: every gradient is zeroed (its norm is then 0, under any max_norm), and a negative max_norm
is refused."""


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    if max_norm < 0:
        raise ValueError("max_norm < 0")
    for g in grads.values():
        g[...] = 0.0
    return 0.0


def clip_grad_value(grads, clip_value):
    for g in grads.values():
        g[...] = 0.0
