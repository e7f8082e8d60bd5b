"""Seeding shared by the torch experiments.

Every torch experiment starts from seeded_torch(seed): the same seed gives the same initial weights, the same
batches and so the same numbers. One intra-op thread: reductions run in a fixed order (reproducible sums), and on
a machine shared with other work the section timings stay comparable.
"""

import torch


def seeded_torch(seed):
    """Seed torch's global generator (weight init) and return a separate generator for the data.

    Two streams: the data a model sees does not change when its architecture (and so the number of init draws)
    changes, so an RNN, an LSTM and an attention model of one seed are trained on the same batches.
    """
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(10_000 + seed)
