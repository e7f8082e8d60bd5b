"""Section 9: long-range dependencies measured: RNN, LSTM and self-attention on a "recall the first token" task.

A sequence x_0, x_1, ..., x_d of random tokens (vocabulary V = 8); the answer, read at the last position, is
x_0: the token d positions back. Nothing in between helps, so chance is 1/V.
- A recurrent model must carry x_0 in its state across d updates, and its training gradient must come back
  across the same d steps (section 4: a product of d Jacobians).
- One self-attention layer reads x_0 in one step: with e_t = emb(x_t) + pos_t, the last position's query
  q = Wq e_d scores every key k_t = Wk e_t, a = softmax(K q / sqrt(H)), answer from sum_t a_t Wv e_t. The path
  from x_0 to the answer has length 1 whatever d is; the learned position embedding pos_0 lets q find it.
Claim: the attention model solves every distance, the RNN does not at long distances. Negative controls: at d = 1
nothing is far and the advantage disappears; trained on shuffled labels, the attention model is at chance.
"""

import torch

from .common import seeded_torch

VOCAB = 8


def recall_batch(generator, B, d, shuffle_labels=False):
    tokens = torch.randint(0, VOCAB, (B, d + 1), generator=generator)  # (B, d + 1)
    labels = tokens[:, 0]
    if shuffle_labels:  # the same labels, dealt to the wrong sequences: no input predicts its label
        labels = labels[torch.randperm(B, generator=generator)]
    return tokens, labels


class Recurrent(torch.nn.Module):
    def __init__(self, cell, hidden_size):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, hidden_size)
        self.rnn = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[cell](hidden_size, hidden_size, batch_first=True)
        self.readout = torch.nn.Linear(hidden_size, VOCAB)

    def forward(self, tokens):
        h, _ = self.rnn(self.embed(tokens))  # (B, d + 1, H)
        return self.readout(h[:, -1])  # (B, V): read at the last position


class SelfAttention(torch.nn.Module):
    def __init__(self, hidden_size, max_length):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, hidden_size)
        self.position = torch.nn.Embedding(max_length, hidden_size)
        self.query = torch.nn.Linear(hidden_size, hidden_size)
        self.key = torch.nn.Linear(hidden_size, hidden_size)
        self.value = torch.nn.Linear(hidden_size, hidden_size)
        self.readout = torch.nn.Linear(hidden_size, VOCAB)

    def forward(self, tokens):
        e = self.embed(tokens) + self.position(torch.arange(tokens.shape[1]))  # (B, n, H)
        q = self.query(e[:, -1:])  # (B, 1, H): only the last position answers
        k, v = self.key(e), self.value(e)  # (B, n, H)
        a = torch.softmax(q @ k.transpose(1, 2) / k.shape[-1] ** 0.5, dim=-1)  # (B, 1, n)
        return self.readout((a @ v)[:, 0])  # (B, V)


def make_model(kind, hidden_size, max_length):
    if kind == "attention":
        return SelfAttention(hidden_size, max_length)
    return Recurrent(kind, hidden_size)


def train_and_test(kind, seed, d, steps, hidden_size, B, lr, examples, shuffle_labels=False):
    """Accuracy on fresh sequences (true labels) of one model trained at distance d."""
    generator = seeded_torch(seed)
    model = make_model(kind, hidden_size, d + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        tokens, labels = recall_batch(generator, B, d, shuffle_labels)
        loss = torch.nn.functional.cross_entropy(model(tokens), labels)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    tokens, labels = recall_batch(generator, examples, d)
    with torch.no_grad():
        return (model(tokens).argmax(-1) == labels).float().mean().item()


def run(seed, distances=(1, 4, 8, 16, 32), kinds=("rnn", "lstm", "attention"), steps=300, hidden_size=32,
        B=32, lr=3e-3, examples=1000):
    """Accuracy per model kind and distance, one model trained per (kind, distance).

    Returns a dict: distances, chance = 1/V, accuracy {kind: [per distance]}, and the accuracy of the attention
    model trained with shuffled labels at the longest distance (control).
    """
    out = {"distances": list(distances), "chance": 1 / VOCAB, "steps": steps, "accuracy": {}}
    for kind in kinds:
        out["accuracy"][kind] = [train_and_test(kind, seed, d, steps, hidden_size, B, lr, examples)
                                 for d in distances]
    out["control_shuffled_labels_attention"] = train_and_test(
        "attention", seed, max(distances), steps, hidden_size, B, lr, examples, shuffle_labels=True)
    return out
