"""Section 6: the fixed-size bottleneck of an encoder-decoder, measured on a copy task.

Task: read n random tokens x_1..x_n (vocabulary of V = 8), then write them again in order. Both models encode with
a GRU, e_j = GRU(e_{j-1}, emb(x_j) + pos_j), and decode with a GRU started from the last encoder state e_n, fed the
previous target token (teacher forcing) and its position: d_i = GRU(d_{i-1}, emb(y_{i-1}) + pos_i).
- without attention, token i is predicted from d_i alone: everything about the input must pass through e_n,
  a vector of H numbers, whatever n is;
- with attention, from [d_i; c_i] with c_i = sum_j a_ij e_j, a_i = softmax_j(d_i . e_j / sqrt(H)):
  the decoder reads every encoder state directly.
Claim: as n grows the model without attention falls towards chance (1/V) while the one with attention does not.
Negative control: at short n nothing needs compressing, and the advantage disappears.
"""

import torch

from .common import seeded_torch

VOCAB = 8
BOS = VOCAB  # start-of-output token, the decoder's first input


class Seq2Seq(torch.nn.Module):
    def __init__(self, attention, hidden_size, max_length):
        super().__init__()
        self.attention = attention
        self.embed = torch.nn.Embedding(VOCAB + 1, hidden_size)
        self.position = torch.nn.Embedding(max_length, hidden_size)
        self.encoder = torch.nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.decoder = torch.nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.readout = torch.nn.Linear(2 * hidden_size if attention else hidden_size, VOCAB)

    def forward(self, source, decoder_input):
        """Logits (B, n, V) and attention weights (B, n, n) (None without attention)."""
        pos = self.position(torch.arange(source.shape[1]))  # (n, H)
        enc, last = self.encoder(self.embed(source) + pos)  # (B, n, H), (1, B, H)
        dec, _ = self.decoder(self.embed(decoder_input) + pos, last)  # (B, n, H), starts from e_n
        if not self.attention:
            return self.readout(dec), None
        weights = torch.softmax(dec @ enc.transpose(1, 2) / enc.shape[-1] ** 0.5, dim=-1)  # (B, n_out, n_in)
        return self.readout(torch.cat([dec, weights @ enc], dim=-1)), weights


def copy_batch(generator, B, n):
    source = torch.randint(0, VOCAB, (B, n), generator=generator)
    decoder_input = torch.cat([torch.full((B, 1), BOS), source[:, :-1]], dim=1)  # targets shifted right
    return source, decoder_input, source


def train(attention, seed, lengths, steps, hidden_size, B, lr):
    """One model trained on batches whose length is drawn from `lengths` at each step."""
    generator = seeded_torch(seed)
    model = Seq2Seq(attention, hidden_size, max(lengths))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        n = lengths[torch.randint(len(lengths), (1,), generator=generator).item()]
        source, decoder_input, target = copy_batch(generator, B, n)
        logits, _ = model(source, decoder_input)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), target.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    return model, generator


@torch.no_grad()
def token_accuracy(model, generator, n, examples):
    source, decoder_input, target = copy_batch(generator, examples, n)
    logits, _ = model(source, decoder_input)
    return (logits.argmax(-1) == target).float().mean().item()


def run(seed, lengths=(4, 8, 16, 32), steps=250, hidden_size=64, B=32, lr=5e-3, examples=500, shown_length=16):
    """Per-token accuracy at each length, with and without attention, on fresh sequences.

    Both models see the same batches (same seed). Returns a dict: lengths, accuracy per model (lists over lengths),
    chance = 1/V, and the attention weights of one test sequence of length shown_length.
    """
    out = {"lengths": list(lengths), "chance": 1 / VOCAB, "accuracy": {}}
    for name, attention in (("no_attention", False), ("attention", True)):
        model, generator = train(attention, seed, list(lengths), steps, hidden_size, B, lr)
        out["accuracy"][name] = [token_accuracy(model, generator, n, examples) for n in lengths]
        if attention:
            with torch.no_grad():
                source, decoder_input, _ = copy_batch(generator, 1, shown_length)
                out["attention_weights"] = model(source, decoder_input)[1][0].tolist()  # (n_out, n_in)
    return out
