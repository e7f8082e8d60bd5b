"""Section 6: the fixed-size bottleneck of an encoder-decoder, measured as a dependence on the state size H.

Task: read n random tokens x_1..x_n (vocabulary V = 8), then write them again in order. Both models encode with a
GRU, e_j = GRU(e_{j-1}, emb(x_j) + pos_j), and decode with a GRU started from the last encoder state e_n:
d_i = GRU(d_{i-1}, emb(y_{i-1}) + pos_i). Training uses teacher forcing: the decoder's input at step i is the TRUE
previous token y_{i-1} (a start token at i = 1), not the model's own guess, so every output position is trained
from a correct prefix in one parallel pass; at test time the inputs are the true prefix too, so the accuracy
measured is per token given a correct prefix.

Token i is predicted from [d_i; c_i]. The two models differ in the context c_i only:
- without attention, c_i = e_n for every i: everything about the input must pass through e_n, H numbers,
  whatever n is;
- with attention, c_i = sum_j a_ij e_j, a_i = softmax_j(d_i . e_j / sqrt(H)): the decoder reads every encoder
  state directly, and a state only needs to hold its own token and position.
If e_n is a bottleneck, the model without attention needs a larger H as n grows, and the one with attention does
not. So both are trained at several H on lengths n in (2, 8) and tested on fresh sequences of each length.
Negative control: at n = 2 there is nothing to compress, so neither H nor attention should matter there.
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
        self.readout = torch.nn.Linear(2 * hidden_size, VOCAB)

    def forward(self, source, decoder_input):
        """Logits (B, n, V) and attention weights (B, n, n) (None without attention)."""
        pos = self.position(torch.arange(source.shape[1]))  # (n, H)
        enc, last = self.encoder(self.embed(source) + pos)  # (B, n, H), (1, B, H)
        dec, _ = self.decoder(self.embed(decoder_input) + pos, last)  # (B, n, H), starts from e_n
        if self.attention:
            weights = torch.softmax(dec @ enc.transpose(1, 2) / enc.shape[-1] ** 0.5, dim=-1)  # (B, n_out, n_in)
            context = weights @ enc  # (B, n, H)
        else:
            weights, context = None, last[0][:, None].expand_as(dec)  # (B, n, H): e_n at every step
        return self.readout(torch.cat([dec, context], dim=-1)), weights


def copy_batch(generator, B, n):
    source = torch.randint(0, VOCAB, (B, n), generator=generator)
    decoder_input = torch.cat([torch.full((B, 1), BOS), source[:, :-1]], dim=1)  # teacher forcing: true prefix
    return source, decoder_input, source


def train(attention, seed, lengths, steps, hidden_size, B, lr):
    """One model, trained on lengths taken in turn; returns (model, training losses, generator)."""
    generator = seeded_torch(seed)
    model = Seq2Seq(attention, hidden_size, max(lengths))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for step in range(steps):
        source, decoder_input, target = copy_batch(generator, B, lengths[step % len(lengths)])
        logits, _ = model(source, decoder_input)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), target.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return model, losses, generator


@torch.no_grad()
def token_accuracy(model, generator, n, examples):
    source, decoder_input, target = copy_batch(generator, examples, n)
    logits, _ = model(source, decoder_input)
    return (logits.argmax(-1) == target).float().mean().item()


def plateau(losses, lengths):
    """Relative fall of the mean loss on the longest length between the last two fifths of training.

    Near 0 when training has converged; the loss on the longest length only, so the mix of lengths does not hide
    a slope.
    """
    longest = losses[len(lengths) - 1::len(lengths)]
    k = len(longest) // 5
    before, last = sum(longest[-2 * k:-k]) / k, sum(longest[-k:]) / k
    return (before - last) / before


def run(seed, lengths=(2, 8), widths=(4, 8, 16, 32), steps=300, B=128, lr=0.02, examples=1000, shown_length=8):
    """Per-token accuracy for each model, width H and length n, on fresh sequences.

    Both models of one seed see the same batches. Returns a dict: lengths, widths, chance = 1/V, accuracy
    {model: {H: [per length]}}, plateau {model: {H: relative loss fall over the last fifth}}, and the attention
    weights of one test sequence of length shown_length at the largest H.
    """
    out = {"lengths": list(lengths), "widths": list(widths), "chance": 1 / VOCAB, "steps": steps,
           "accuracy": {}, "plateau": {}}
    for name, attention in (("no_attention", False), ("attention", True)):
        out["accuracy"][name], out["plateau"][name] = {}, {}
        for H in widths:
            model, losses, generator = train(attention, seed, list(lengths), steps, H, B, lr)
            out["accuracy"][name][str(H)] = [token_accuracy(model, generator, n, examples) for n in lengths]
            out["plateau"][name][str(H)] = plateau(losses, lengths)
        if attention:
            with torch.no_grad():
                source, decoder_input, _ = copy_batch(generator, 1, shown_length)
                out["attention_weights"] = model(source, decoder_input)[1][0].tolist()  # (n_out, n_in)
    return out
