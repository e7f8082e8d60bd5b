"""Section 3: the hidden states of the numpy SimpleRNN, trained on the character task, over real text.

Training: SimpleRNN.train_step (softmax cross-entropy, BPTT, norm clipping, SGD) on random windows of the text,
each started from h_0 = 0. Reading: the same input can lead to different states. The three 'l' of
"hello world! " enter the network as the same one-hot vector, yet the next character is 'l', 'o' and 'd': a
network that predicts all three right must carry the difference in h_{t-1}. The measured claim is next-character
accuracy above the memoryless ceiling (char_task.memoryless_ceiling); the negative control is the same trained
network with Whh = 0, which has no memory and so cannot beat that ceiling.

clipping: exercise 1's API (clip_grad_norm, clip_grad_value), the implementation lesson.exercise_code chose.
"""

import copy

import numpy as np

from .char_task import CHARS, PERIOD, TEXT, encode, memoryless_ceiling, one_hot, random_windows
from .models.rnn import SimpleRNN


def next_char_predictions(rnn, text):
    """Run text through rnn from h_0 = 0, one column. Returns (states (H, len(text)), predicted ids (len(text),))."""
    inputs = [one_hot(np.array([i])) for i in encode(text)]  # len(text) blocks (V, 1)
    outputs, hiddens = rnn.forward(inputs)
    states = np.hstack(hiddens[1:])  # (H, len(text))
    return states, np.array([int(np.argmax(y)) for y in outputs])


def accuracy(rnn, text):
    _, predicted = next_char_predictions(rnn, text)
    return float(np.mean(predicted[:-1] == encode(text)[1:]))


def train(seed, clipping, hidden_size=32, steps=300, lr=1.0, max_norm=1.0, T=25, B=16):
    """A SimpleRNN trained on the character task; returns (rnn, losses per step)."""
    rng = np.random.default_rng(seed)
    V = len(CHARS)
    rnn = SimpleRNN(V, hidden_size, V, rng=rng)
    ids = encode(TEXT)
    losses = []
    for _ in range(steps):
        inputs, targets = random_windows(rng, ids, T, B)
        losses.append(rnn.train_step(inputs, targets, lr, max_norm=max_norm, clipping=clipping)["loss"])
    return rnn, losses


def run(seed, clipping, hidden_size=32, steps=300, lr=1.0, max_norm=1.0):
    """Train, then read the states over two periods of the text.

    Returns a dict: losses, the probe text, its states (H, len(probe)) and predicted next characters, the
    positions of 'l' in the second period with the characters predicted after them, the accuracy over the whole
    text, the memoryless ceiling, and the accuracy of the trained network with Whh = 0 (negative control).
    """
    rnn, losses = train(seed, clipping, hidden_size, steps, lr, max_norm)
    probe = PERIOD * 2
    states, predicted = next_char_predictions(rnn, probe)
    l_positions = [len(PERIOD) + i for i, c in enumerate(PERIOD) if c == "l"]
    memoryless = copy.copy(rnn)  # shares the trained arrays; only Whh is rebound below
    memoryless.Whh = np.zeros_like(rnn.Whh)
    return {
        "losses": losses,
        "probe": probe,
        "states": states.tolist(),
        "predicted": "".join(CHARS[i] for i in predicted),
        "l_positions": l_positions,
        "after_l_predicted": "".join(CHARS[predicted[p]] for p in l_positions),
        "after_l_true": "".join(probe[p + 1] for p in l_positions),
        "l_state_distances": [float(np.linalg.norm(states[:, a] - states[:, b]))
                              for a, b in zip(l_positions, l_positions[1:])],
        "accuracy": accuracy(rnn, TEXT),
        "memoryless_ceiling": memoryless_ceiling(TEXT),
        "control_no_recurrence_accuracy": accuracy(memoryless, TEXT),
    }
