"""Section 8: a character-level RNN language model on real prose, measured on a passage it never saw.

Text: chapters I and II of Alice's Adventures in Wonderland (lesson/data/alice_ch1-2.txt, public domain),
lower-cased. The model trains on chapter I (11 KB) and is measured on the opening of chapter II: unseen text of
the same author, so a low loss there means the model learnt how the prose goes, not the training sequence.

Model: x_t -> embedding e_t (H) -> h_t = tanh(W_ih e_t + W_hh h_{t-1} + b) (torch.nn.RNN) -> logits W_o h_t + b_o
over the V characters, trained with Adam on the mean next-character cross-entropy.

Truncated backpropagation through time. The training text is cut into B parallel streams, each read in chunks of
K characters. The hidden state is carried from one chunk to the next, so the forward pass sees the whole stream,
but it is detached at each chunk border: the gradient of a chunk's loss flows back at most K steps. That bounds
the cost and memory of a step (K steps of BPTT, not the whole text) at the price of learning no dependency longer
than K through the gradient.

Baselines, fitted on the same training text (add-one smoothing, so that no unseen pair costs infinitely much):
the unigram model (no context) and the bigram model (the previous character only: the best one-character
memory). Negative control: the same model trained on the training characters shuffled has no context to learn,
so on the unseen passage it can do no better than unigram statistics.
"""

import math
from collections import Counter
from pathlib import Path

import torch

from .common import seeded_torch

TEXT_FILE = Path(__file__).resolve().parent / "data" / "alice_ch1-2.txt"
TEST_START = "chapter ii."
TEST_LENGTH = 3000


def load():
    """(training text, unseen passage, characters): chapter I, and the first TEST_LENGTH characters of II."""
    text = TEXT_FILE.read_text(encoding="utf-8").lower()
    split = text.index(TEST_START)
    return text[:split], text[split:split + TEST_LENGTH], sorted(set(text))


def smoothed_unigram_loss(train, test, V):
    counts = Counter(train)
    return -sum(math.log((counts[c] + 1) / (len(train) + V)) for c in test) / len(test)


def smoothed_bigram_loss(train, test, V):
    """Mean -log p(c_t | c_{t-1}) on test, p from the pair counts of train (add-one)."""
    pairs, firsts = Counter(zip(train, train[1:])), Counter(train[:-1])
    return -sum(math.log((pairs[(a, b)] + 1) / (firsts[a] + V)) for a, b in zip(test, test[1:])) / (len(test) - 1)


class CharRNN(torch.nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, hidden_size)
        self.rnn = torch.nn.RNN(hidden_size, hidden_size, batch_first=True)
        self.output = torch.nn.Linear(hidden_size, vocab_size)

    def forward(self, x, hidden=None):
        out, hidden = self.rnn(self.embedding(x), hidden)  # (B, T, H), (1, B, H)
        return self.output(out), hidden  # logits (B, T, V)


@torch.no_grad()
def passage_loss(model, warm_ids, test_ids):
    """Mean cross-entropy on test_ids, the state first run over warm_ids (the text just before them)."""
    _, hidden = model(warm_ids[None, :-1])
    logits, _ = model(torch.cat([warm_ids[-1:], test_ids[:-1]])[None], hidden)
    return torch.nn.functional.cross_entropy(logits[0], test_ids).item()


def train(ids, test_ids, warm_ids, seed, V, hidden_size, epochs, chunk, streams, lr):
    """Truncated BPTT over `streams` parallel streams; returns (model, training loss and unseen loss per epoch)."""
    seeded_torch(seed)
    model = CharRNN(V, hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    length = (len(ids) - 1) // streams
    inputs = ids[:length * streams].view(streams, length)  # (B, length): stream b is one contiguous stretch
    targets = ids[1:length * streams + 1].view(streams, length)
    losses, unseen = [], []
    for _ in range(epochs):
        hidden, total, count = None, 0.0, 0
        for i in range(0, length - chunk + 1, chunk):
            logits, hidden = model(inputs[:, i:i + chunk], hidden)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), targets[:, i:i + chunk].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            hidden = hidden.detach()  # the truncation: no gradient flows into the previous chunk
            total, count = total + loss.item(), count + 1
        losses.append(total / count)
        unseen.append(passage_loss(model, warm_ids, test_ids))
    return model, losses, unseen


@torch.no_grad()
def sample(model, chars, start, length, generator):
    """Characters drawn one at a time from the model's softmax, fed back as the next input."""
    _, hidden = model(torch.tensor([[chars.index(c) for c in start[:-1]]])) if len(start) > 1 else (None, None)
    current, text = torch.tensor([[chars.index(start[-1])]]), start
    for _ in range(length):
        logits, hidden = model(current, hidden)
        k = torch.multinomial(torch.softmax(logits[0, -1], dim=0), 1, generator=generator).item()
        text += chars[k]
        current = torch.tensor([[k]])
    return text


def run(seed, hidden_size=64, epochs=8, chunk=32, streams=16, lr=0.01, warm=200, prompt="alice ", sample_length=80):
    """Train on chapter I (and on its characters shuffled: control); measure on the opening of chapter II.

    Returns a dict: sizes, training and unseen-passage loss per epoch, the unseen-passage loss of the model, of
    the unigram and bigram baselines and of the control, and a sample continuing `prompt`.
    """
    train_text, test_text, chars = load()
    V = len(chars)
    ids = torch.tensor([chars.index(c) for c in train_text])
    test_ids = torch.tensor([chars.index(c) for c in test_text])
    warm_ids = ids[-warm:]  # the end of chapter I, read before the unseen passage
    model, losses, unseen = train(ids, test_ids, warm_ids, seed, V, hidden_size, epochs, chunk, streams, lr)
    generator = torch.Generator().manual_seed(seed)
    shuffled = ids[torch.randperm(len(ids), generator=generator)]
    _, control_losses, control_unseen = train(shuffled, test_ids, warm_ids, seed, V, hidden_size, epochs, chunk,
                                              streams, lr)
    return {
        "train_characters": len(train_text), "test_characters": len(test_text), "vocabulary": V, "chunk": chunk,
        "losses": losses,
        "unseen_losses": unseen,
        "held_out_loss": unseen[-1],
        "unigram_loss": smoothed_unigram_loss(train_text, test_text, V),
        "bigram_loss": smoothed_bigram_loss(train_text, test_text, V),
        "control_shuffled_losses": control_losses,
        "control_shuffled_held_out_loss": control_unseen[-1],
        "sample": sample(model, chars, prompt, sample_length, generator),
    }
