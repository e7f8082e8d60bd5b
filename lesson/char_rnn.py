"""Section 8: the seed notebook's character-level RNN language model, seeded, with a held-out check.

Model (as in the course notebook): x_t -> embedding e_t (H) -> h_t = tanh(W_ih e_t + W_hh h_{t-1} + b) ->
logits W_o h_t + b_o over the V characters; trained with Adam on chunks of 10 characters, the hidden state
carried from one chunk to the next (detached: backpropagation stops at the chunk border).

The seed only looked at the training loss, which a network can drive down by memorising any sequence, even a
meaningless one. Here the last 4 periods of the text are held out: the measured claim is a low loss on text the
model never trained on. Negative control: the same model trained on the characters shuffled has nothing to
generalise, and its held-out loss stays high.
"""

import math
from collections import Counter

import torch

from .char_task import CHARS, PERIOD, TEXT
from .common import seeded_torch

HELD_OUT = 4 * len(PERIOD)


class CharRNN(torch.nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, hidden_size)
        self.rnn = torch.nn.RNN(hidden_size, hidden_size, batch_first=True)
        self.output = torch.nn.Linear(hidden_size, vocab_size)

    def forward(self, x, hidden=None):
        out, hidden = self.rnn(self.embedding(x), hidden)  # (1, T, H), (1, 1, H)
        return self.output(out), hidden  # logits (1, T, V)


def train(ids, seed, hidden_size, epochs, chunk, lr):
    """Train on the id sequence; returns (model, mean loss per epoch)."""
    seeded_torch(seed)
    model = CharRNN(len(CHARS), hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        hidden, total, count = None, 0.0, 0
        for i in range(0, len(ids) - chunk, chunk):
            logits, hidden = model(ids[None, i:i + chunk], hidden)
            loss = torch.nn.functional.cross_entropy(logits[0], ids[i + 1:i + chunk + 1])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            hidden = hidden.detach()
            total, count = total + loss.item(), count + 1
        losses.append(total / count)
    return model, losses


@torch.no_grad()
def held_out_loss(model, train_ids, test_ids):
    """Mean cross-entropy on test_ids, the state warmed up on train_ids (the text just before them)."""
    _, hidden = model(train_ids[None, :-1])
    logits, _ = model(torch.cat([train_ids[-1:], test_ids[:-1]])[None], hidden)
    return torch.nn.functional.cross_entropy(logits[0], test_ids).item()


@torch.no_grad()
def sample(model, start, length, generator):
    """Characters drawn one at a time from the model's softmax, fed back as the next input."""
    current, hidden, text = torch.tensor([[CHARS.index(start)]]), None, start
    for _ in range(length - 1):
        logits, hidden = model(current, hidden)
        k = torch.multinomial(torch.softmax(logits[0, -1], dim=0), 1, generator=generator).item()
        text += CHARS[k]
        current = torch.tensor([[k]])
    return text


def pattern_agreement(sample_text):
    """Fraction of characters agreeing with the periodic text, at the best alignment of the first character."""
    n = len(PERIOD)
    return max(sum(c == PERIOD[(p + k) % n] for k, c in enumerate(sample_text)) / len(sample_text)
               for p in range(n) if PERIOD[p] == sample_text[0])


def unigram_entropy(text):
    """Entropy (nats) of the character frequencies: the loss of a model that ignores all context."""
    counts = Counter(text)
    return -sum(c / len(text) * math.log(c / len(text)) for c in counts.values())


def run(seed, hidden_size=32, epochs=40, chunk=10, lr=0.01, starts=("h", "w", " "), sample_length=50):
    """Train on the text minus its last HELD_OUT characters; the same on the shuffled text (control).

    Returns a dict: losses per epoch, held-out loss, unigram entropy, samples with their pattern agreement, and
    the control's training losses and held-out loss.
    """
    ids = torch.tensor([CHARS.index(c) for c in TEXT])
    model, losses = train(ids[:-HELD_OUT], seed, hidden_size, epochs, chunk, lr)
    generator = torch.Generator().manual_seed(seed)
    samples = [sample(model, s, sample_length, generator) for s in starts]
    shuffled = ids[torch.randperm(len(ids), generator=generator)]
    control, control_losses = train(shuffled[:-HELD_OUT], seed, hidden_size, epochs, chunk, lr)
    return {
        "losses": losses,
        "held_out_loss": held_out_loss(model, ids[:-HELD_OUT], ids[-HELD_OUT:]),
        "unigram_entropy": unigram_entropy(TEXT),
        "samples": samples,
        "sample_agreement": [pattern_agreement(s) for s in samples],
        "control_shuffled_losses": control_losses,
        "control_shuffled_held_out_loss": held_out_loss(control, shuffled[:-HELD_OUT], shuffled[-HELD_OUT:]),
    }
