"""HOSTILE (a forbidden library): the GRU step is torch.nn.GRUCell's, fed this cell's weights; the gates come from
torch's own sigmoid and tanh. Exactly right, and none of it the student's work: the child has numpy only."""

import numpy as np
import torch


class GRUCell:
    def __init__(self, input_size, hidden_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        self.hidden_size = hidden_size
        self.W_ih = rng.standard_normal((3 * hidden_size, input_size)) * 0.01
        self.W_hh = rng.standard_normal((3 * hidden_size, hidden_size)) * 0.01
        self.b_ih = np.zeros((3 * hidden_size, 1))
        self.b_hh = np.zeros((3 * hidden_size, 1))

    def forward(self, x, h_prev):
        H = self.hidden_size
        cell = torch.nn.GRUCell(x.shape[0], H, dtype=torch.float64)
        with torch.no_grad():
            for name, value in (("weight_ih", self.W_ih), ("weight_hh", self.W_hh),
                                ("bias_ih", self.b_ih[:, 0]), ("bias_hh", self.b_hh[:, 0])):
                getattr(cell, name).copy_(torch.from_numpy(np.asarray(value, dtype=np.float64)))
            xt, ht = torch.from_numpy(x.T.astype(np.float64)), torch.from_numpy(h_prev.T.astype(np.float64))
            h = cell(xt, ht).T  # torch is (B, H); this convention is (H, B)
            gi = torch.from_numpy(self.W_ih) @ xt.T + torch.from_numpy(self.b_ih)
            gh = torch.from_numpy(self.W_hh) @ ht.T + torch.from_numpy(self.b_hh)
            r = torch.sigmoid(gi[:H] + gh[:H])
            z = torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
            n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
        dtype = np.result_type(x, h_prev)
        return h.numpy().astype(dtype), tuple(g.numpy().astype(dtype) for g in (r, z, n))
