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

Two exercises take part, in the implementations lesson.exercise_code chose (the student's once they pass their
public checks): the attention weights are computed by exercise 4's softmax, in training too (lesson.numpy_in_torch
gives it a gradient); and the test accuracy comes from running each trained model with exercise 3's GRUCell,
loaded with the trained weights of torch's GRU layers, step by step in numpy (float64). How far those logits are
from torch's own is reported beside the accuracy.
"""

import math

import numpy as np
import torch

from .common import seeded_torch

VOCAB = 8
BOS = VOCAB  # start-of-output token, the decoder's first input


class Seq2Seq(torch.nn.Module):
    def __init__(self, attention, hidden_size, max_length, softmax):
        super().__init__()
        self.attention = attention
        self.softmax = softmax  # scores -> weights over the last axis
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
            weights = self.softmax(dec @ enc.transpose(1, 2) / enc.shape[-1] ** 0.5)  # (B, n_out, n_in)
            context = weights @ enc  # (B, n, H)
        else:
            weights, context = None, last[0][:, None].expand_as(dec)  # (B, n, H): e_n at every step
        return self.readout(torch.cat([dec, context], dim=-1)), weights


def cell_from(gru, GRUCell):
    """A GRUCell (exercise 3's API) holding the weights of a trained one-layer torch.nn.GRU, in float64."""
    cell = GRUCell(gru.input_size, gru.hidden_size, rng=np.random.default_rng(0))
    cell.W_ih = gru.weight_ih_l0.detach().double().numpy()  # (3H, I): row blocks r, z, n, as exercise 3's
    cell.W_hh = gru.weight_hh_l0.detach().double().numpy()  # (3H, H)
    cell.b_ih = gru.bias_ih_l0.detach().double().numpy()[:, None]  # (3H, 1)
    cell.b_hh = gru.bias_hh_l0.detach().double().numpy()[:, None]  # (3H, 1)
    return cell


def run_cells(cell, inputs, h):
    """States (n, H, B) of cell over inputs (B, n, H) from h (H, B), one step per position."""
    states = []
    for j in range(inputs.shape[1]):
        h, _ = cell.forward(np.ascontiguousarray(inputs[:, j].T), h)  # (H, B)
        states.append(h)
    return np.stack(states)  # (n, H, B)


@torch.no_grad()
def cell_logits(model, GRUCell, source, decoder_input):
    """The trained model's logits (B, n, V), with both GRU layers run step by step by GRUCell (float64)."""
    def f64(t):
        return t.detach().double().numpy()
    n = source.shape[1]
    pos = f64(model.position(torch.arange(n)))  # (n, H)
    enc = run_cells(cell_from(model.encoder, GRUCell), f64(model.embed(source)) + pos,
                    np.zeros((model.encoder.hidden_size, source.shape[0])))  # (n, H, B)
    dec = run_cells(cell_from(model.decoder, GRUCell), f64(model.embed(decoder_input)) + pos, enc[-1])
    enc, dec = enc.transpose(2, 0, 1), dec.transpose(2, 0, 1)  # (B, n, H)
    if model.attention:
        scores = dec @ enc.transpose(0, 2, 1) / math.sqrt(enc.shape[-1])  # (B, n_out, n_in)
        context = model.softmax(torch.from_numpy(scores)).numpy() @ enc  # (B, n, H)
    else:
        context = np.broadcast_to(enc[:, -1:], dec.shape)  # e_n at every step
    features = np.concatenate([dec, context], axis=-1)  # (B, n, 2H)
    return features @ f64(model.readout.weight).T + f64(model.readout.bias)  # (B, n, V)


def copy_batch(generator, B, n):
    source = torch.randint(0, VOCAB, (B, n), generator=generator)
    decoder_input = torch.cat([torch.full((B, 1), BOS), source[:, :-1]], dim=1)  # teacher forcing: true prefix
    return source, decoder_input, source


def train(attention, seed, lengths, steps, hidden_size, B, lr, softmax):
    """One model, trained on lengths taken in turn; returns (model, training losses, generator)."""
    generator = seeded_torch(seed)
    model = Seq2Seq(attention, hidden_size, max(lengths), softmax)
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
def token_accuracy(model, generator, n, examples, GRUCell):
    """(accuracy of the logits GRUCell computes, their largest distance from torch's own logits)."""
    source, decoder_input, target = copy_batch(generator, examples, n)
    logits = cell_logits(model, GRUCell, source, decoder_input)  # (B, n, V)
    torch_logits, _ = model(source, decoder_input)
    accuracy = float(np.mean(logits.argmax(-1) == target.numpy()))
    return accuracy, float(np.max(np.abs(logits - torch_logits.double().numpy())))


def plateau(losses, lengths):
    """Relative fall of the mean loss on the longest length between the last two fifths of training.

    Near 0 when training has converged; the loss on the longest length only, so the mix of lengths does not hide
    a slope.
    """
    longest = losses[len(lengths) - 1::len(lengths)]
    k = len(longest) // 5
    before, last = sum(longest[-2 * k:-k]) / k, sum(longest[-k:]) / k
    return (before - last) / before


def run(seed, softmax, GRUCell, lengths=(2, 8), widths=(4, 8, 16, 32), steps=300, B=128, lr=0.02, examples=1000,
        shown_length=8):
    """Per-token accuracy for each model, width H and length n, on fresh sequences.

    softmax: scores (torch) -> weights over the last axis; GRUCell: exercise 3's class (the test-time recurrence).
    Both models of one seed see the same batches. Returns a dict: lengths, widths, chance = 1/V, accuracy
    {model: {H: [per length]}}, plateau {model: {H: relative loss fall over the last fifth}}, the largest
    |logit| difference between the GRUCell run and torch's (cell_vs_torch), and the attention weights of one test
    sequence of length shown_length at the largest H.
    """
    out = {"lengths": list(lengths), "widths": list(widths), "chance": 1 / VOCAB, "steps": steps,
           "accuracy": {}, "plateau": {}, "cell_vs_torch": 0.0}
    for name, attention in (("no_attention", False), ("attention", True)):
        out["accuracy"][name], out["plateau"][name] = {}, {}
        for H in widths:
            model, losses, generator = train(attention, seed, list(lengths), steps, H, B, lr, softmax)
            measured = [token_accuracy(model, generator, n, examples, GRUCell) for n in lengths]
            out["accuracy"][name][str(H)] = [accuracy for accuracy, _ in measured]
            out["cell_vs_torch"] = max(out["cell_vs_torch"], *(diff for _, diff in measured))
            out["plateau"][name][str(H)] = plateau(losses, lengths)
        if attention:
            with torch.no_grad():
                source, decoder_input, _ = copy_batch(generator, 1, shown_length)
                out["attention_weights"] = model(source, decoder_input)[1][0].tolist()  # (n_out, n_in)
    return out
