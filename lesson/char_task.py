"""The toy character task of sections 3 and 4: predict the next character of the course's text.

The text is the seed notebook's "hello world! " repeated: 13 characters per period, 9 distinct ones. Knowing only
the current character is not enough: 'l' is followed by 'l', 'o' or 'd', 'o' by ' ' or 'r', ' ' by 'w' or 'h'.
The best a predictor without memory can do (always the most frequent successor) is computed by
memoryless_ceiling(); beating it needs a hidden state that remembers.
"""

from collections import Counter

import numpy as np

PERIOD = "hello world! "
TEXT = PERIOD * 20
CHARS = sorted(set(TEXT))


def encode(text):
    return np.array([CHARS.index(c) for c in text])


def one_hot(ids):
    """Column blocks x_t (V, B) for ids of shape (B,): the numpy SimpleRNN's input convention."""
    return np.eye(len(CHARS))[ids].T


def random_windows(rng, ids, T, B):
    """B random windows of T + 1 consecutive characters: inputs are the first T, targets the last T.

    Returns (inputs: list of T arrays (V, B), targets: list of T arrays (B,)).
    """
    starts = rng.integers(0, len(ids) - T, size=B)
    seq = ids[starts[None, :] + np.arange(T + 1)[:, None]]  # (T + 1, B)
    return [one_hot(seq[t]) for t in range(T)], [seq[t + 1] for t in range(T)]


def memoryless_ceiling(text):
    """Accuracy of the best next-character predictor that sees only the current character.

    For each character c it predicts the most frequent successor of c; it is right on exactly that many of the
    transitions out of c. Returns (hits over all transitions) / (number of transitions).
    """
    successors = {}
    for a, b in zip(text, text[1:]):
        successors.setdefault(a, Counter())[b] += 1
    hits = sum(counts.most_common(1)[0][1] for counts in successors.values())
    return hits / (len(text) - 1)
