"""Section 9: long-range dependencies measured: RNN, LSTM and self-attention recall a marked token.

Task ("marker recall"): L = 32 random tokens x_1..x_L (vocabulary V = 8); one position p carries a marker m_p = 1
(m_t = 0 elsewhere); the answer, read after the last token, is x_p. The distance d = L + 1 - p (d = 1: the marked
token is the last one) is drawn log-uniformly in 1..L, so short and long distances are both common. Chance is 1/V.
Because p varies, no fixed pointer to a position can answer: a model must find the marker by content.
- A recurrent model (tanh RNN, LSTM) must catch x_p when the marker passes, hold it across d - 1 further updates,
  and receive its training gradient back through the same d steps (section 4: a product of Jacobians).
- One self-attention layer, with no position information at all, reads every position at once: with
  e_t = emb(x_t) + m_t u, the last position's query q = W_q e_L + b_q scores every key k_t = W_k e_t,
  a = softmax(K q / sqrt(H)), and the answer comes from sum_t a_t W_v e_t. Putting all the weight on the marked
  position needs only q . W_k u to be large: the path from x_p to the answer has length 1 at every d.
All models share the input embedding, the width H, the batches, the optimiser and the number of steps; their
parameter counts are reported. Accuracy is measured on a fixed set of fresh sequences during training, per
distance bucket. Negative controls: at the nearest distances nothing is far and the advantage must vanish; trained
on shuffled labels, attention must be at chance.

The attention weights a = softmax(...) are computed by the softmax lesson.exercise_code chose: exercise 4's (the
student's once it passes its public checks, run inside the model by lesson.numpy_in_torch), or torch's.
"""

import math

import torch

from .common import seeded_torch

VOCAB = 8
BUCKETS = ((1, 2), (3, 4), (5, 8), (9, 16), (17, 32))  # distance ranges, inclusive


def marker_batch(generator, B, L, shuffle_labels=False):
    """(tokens (B, L), marker (B, L) of 0/1, labels (B,), distances (B,)), d log-uniform in 1..L."""
    tokens = torch.randint(0, VOCAB, (B, L), generator=generator)
    u = torch.rand(B, generator=generator)
    d = torch.floor(torch.exp(u * math.log(L + 1))).long().clamp(1, L)  # P(d) ~ log(1 + 1/d)
    p = L - d  # 0-based position of the marked token
    marker = torch.zeros(B, L)
    marker[torch.arange(B), p] = 1.0
    labels = tokens[torch.arange(B), p]
    if shuffle_labels:  # the same labels, dealt to the wrong sequences: no input predicts its label
        labels = labels[torch.randperm(B, generator=generator)]
    return tokens, marker, labels, d


class MarkedInput(torch.nn.Module):
    """e_t = emb(x_t) + m_t u: the token's embedding, plus a learned vector u where the marker is."""

    def __init__(self, hidden_size):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, hidden_size)
        self.marker = torch.nn.Parameter(torch.randn(hidden_size))

    def forward(self, tokens, marker):
        return self.embed(tokens) + marker[..., None] * self.marker  # (B, L, H)


class Recurrent(torch.nn.Module):
    def __init__(self, cell, hidden_size):
        super().__init__()
        self.input = MarkedInput(hidden_size)
        self.rnn = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[cell](hidden_size, hidden_size, batch_first=True)
        self.readout = torch.nn.Linear(hidden_size, VOCAB)

    def forward(self, tokens, marker):
        h, _ = self.rnn(self.input(tokens, marker))  # (B, L, H)
        return self.readout(h[:, -1])  # (B, V): read after the last token


class SelfAttention(torch.nn.Module):
    def __init__(self, hidden_size, softmax):
        super().__init__()
        self.softmax = softmax  # scores -> weights over the last axis
        self.input = MarkedInput(hidden_size)
        self.query = torch.nn.Linear(hidden_size, hidden_size)
        self.key = torch.nn.Linear(hidden_size, hidden_size)
        self.value = torch.nn.Linear(hidden_size, hidden_size)
        self.readout = torch.nn.Linear(hidden_size, VOCAB)

    def forward(self, tokens, marker):
        e = self.input(tokens, marker)  # (B, L, H)
        q = self.query(e[:, -1:])  # (B, 1, H): only the last position answers
        k, v = self.key(e), self.value(e)  # (B, L, H)
        a = self.softmax(q @ k.transpose(1, 2) / k.shape[-1] ** 0.5)  # (B, 1, L)
        return self.readout((a @ v)[:, 0])  # (B, V)


def make_model(kind, hidden_size, softmax):
    return SelfAttention(hidden_size, softmax) if kind == "attention" else Recurrent(kind, hidden_size)


@torch.no_grad()
def bucket_accuracy(model, test):
    tokens, marker, labels, d = test
    right = (model(tokens, marker).argmax(-1) == labels).float()
    return [right[(d >= lo) & (d <= hi)].mean().item() for lo, hi in BUCKETS]


def train(kind, seed, L, steps, hidden_size, B, lr, eval_every, test, softmax, shuffle_labels=False):
    """Train one model; returns (parameter count, accuracy per bucket at steps 0, eval_every, ..., steps)."""
    generator = seeded_torch(seed)
    model = make_model(kind, hidden_size, softmax)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    curve = [bucket_accuracy(model, test)]
    for step in range(1, steps + 1):
        tokens, marker, labels, _ = marker_batch(generator, B, L, shuffle_labels)
        loss = torch.nn.functional.cross_entropy(model(tokens, marker), labels)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % eval_every == 0:
            curve.append(bucket_accuracy(model, test))
    return sum(p.numel() for p in model.parameters()), curve


def run(seed, softmax, L=32, kinds=("rnn", "lstm", "attention"), steps=300, hidden_size=32, B=32, lr=3e-3,
        eval_every=30, examples=2000):
    """Accuracy per model, distance bucket and training step, and the shuffled-label control.

    softmax: scores (torch) -> weights over the last axis, for the attention model.

    Returns a dict: buckets, chance = 1/V, steps at which accuracy was measured, parameters per kind, curves
    {kind: [[accuracy per bucket] per evaluation]}, final_accuracy {kind: [per bucket]}, and the final accuracy
    per bucket of attention trained on shuffled labels (control).
    """
    test = marker_batch(torch.Generator().manual_seed(20_000 + seed), examples, L)
    out = {"L": L, "buckets": [list(b) for b in BUCKETS], "chance": 1 / VOCAB,
           "eval_steps": list(range(0, steps + 1, eval_every)), "parameters": {}, "curves": {}}
    for kind in kinds:
        out["parameters"][kind], out["curves"][kind] = train(kind, seed, L, steps, hidden_size, B, lr,
                                                             eval_every, test, softmax)
    out["final_accuracy"] = {kind: curve[-1] for kind, curve in out["curves"].items()}
    _, control = train("attention", seed, L, steps, hidden_size, B, lr, steps, test, softmax, shuffle_labels=True)
    out["control_shuffled_labels_accuracy"] = control[-1]
    return out
