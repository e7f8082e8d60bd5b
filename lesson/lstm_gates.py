"""Section 5: the gates of an LSTM trained on a task where forgetting matters, read over a real sequence.

The task ("latch with reset"): a stream of tokens '.' (nothing), 'A', 'B' (store this letter) and 'x' (clear
the memory). At every step the target is what memory holds: none, A or B. Holding a letter across '.' needs
c_t = f_t * c_{t-1} + i_t * g_t with f near 1. Every other token changes what memory holds: 'x' clears it, and
'A' or 'B' replace it, which also means dropping the old letter (writing A over a stored B with i * g alone would
leave a mixture). So a trained cell keeps f high on '.' and lowers it on all three changing tokens, not on 'x'
alone: that is what the measured gates show. The measured claim: f('.') exceeds the forget gate of every changing
token by a margin. Negative control: the same network untrained shows no such gap.

Training uses torch.nn.LSTM; the gates are then read with the numpy lesson.models.lstm.LSTMCell, loaded with the
trained weights (W = [W_ih, W_hh], b = b_ih + b_hh).
"""

import numpy as np
import torch

from .models.lstm import LSTMCell

from .common import seeded_torch

TOKENS = (".", "A", "B", "x")
MEMORY = ("none", "A", "B")
PROBABILITIES = (0.7, 0.1, 0.1, 0.1)


def latch_targets(tokens):
    """Memory content after each token: (B, T) long tensor of MEMORY indices, from tokens (B, T)."""
    state = torch.zeros(tokens.shape[0], dtype=torch.long)
    targets = torch.empty_like(tokens)
    for t in range(tokens.shape[1]):
        x = tokens[:, t]
        state = torch.where(x == 1, 1, torch.where(x == 2, 2, torch.where(x == 3, 0, state)))
        targets[:, t] = state
    return targets


def sample(generator, B, T):
    tokens = torch.multinomial(torch.tensor(PROBABILITIES).expand(B, -1), T, replacement=True,
                               generator=generator)  # (B, T)
    return tokens, latch_targets(tokens)


class LatchLSTM(torch.nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.lstm = torch.nn.LSTM(len(TOKENS), hidden_size, batch_first=True)
        self.readout = torch.nn.Linear(hidden_size, len(MEMORY))

    def forward(self, tokens):
        x = torch.nn.functional.one_hot(tokens, len(TOKENS)).float()  # (B, T, 4)
        h, _ = self.lstm(x)  # (B, T, H)
        return self.readout(h)  # (B, T, 3) logits


def numpy_cell(model):
    """The numpy LSTMCell holding model's weights."""
    lstm = model.lstm
    cell = LSTMCell(len(TOKENS), lstm.hidden_size)
    cell.W = torch.cat([lstm.weight_ih_l0, lstm.weight_hh_l0], dim=1).detach().double().numpy()  # (4H, I + H)
    cell.b = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().double().numpy()[:, None]  # (4H, 1)
    return cell


def read_gates(cell, tokens):
    """Run the numpy cell over one token sequence; returns dict of (H, T) arrays i, f, g, o, c."""
    H = cell.hidden_size
    h, c = np.zeros((H, 1)), np.zeros((H, 1))
    trace = {k: [] for k in "ifgoc"}
    for token in tokens:
        x = np.eye(len(TOKENS))[:, [token]]  # (4, 1) one-hot column
        h, c, (i, f, g, o) = cell.forward(x, h, c)
        for k, v in zip("ifgoc", (i, f, g, o, c)):
            trace[k].append(v[:, 0])
    return {k: np.stack(v, axis=1) for k, v in trace.items()}  # each (H, T)


def forget_by_token(cell, sequences):
    """Mean forget gate (over units and steps) at each token type, over the given sequences (N, T)."""
    sums = {t: [] for t in TOKENS}
    for seq in sequences:
        f = read_gates(cell, seq)["f"]  # (H, T)
        for k, token in enumerate(TOKENS):
            sums[token].extend(f[:, seq == k].mean(axis=0))
    return {t: float(np.mean(v)) for t, v in sums.items()}


def hold_vs_change(forget):
    """f('.') - the largest forget gate among the tokens that change the memory ('A', 'B', 'x')."""
    return forget["."] - max(forget[t] for t in TOKENS if t != ".")


def run(seed, hidden_size=4, steps=400, T=30, B=32, lr=1e-2, probe_length=40, n_eval=20):
    """Train, then read the gates.

    Returns a dict: training losses, accuracy on fresh sequences (length 2 T: longer than in training), the mean
    forget gate per token type trained and untrained (control), their hold-vs-change gaps, and the gates of one
    probe sequence (tokens, target memory, i, f, o, c as (H, probe_length) lists).
    """
    generator = seeded_torch(seed)
    untrained = LatchLSTM(hidden_size)
    model = LatchLSTM(hidden_size)
    model.load_state_dict(untrained.state_dict())  # the control is this very network before training
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        tokens, targets = sample(generator, B, T)
        loss = torch.nn.functional.cross_entropy(model(tokens).reshape(-1, len(MEMORY)), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    tokens, targets = sample(generator, 500, 2 * T)
    with torch.no_grad():
        accuracy = (model(tokens).argmax(-1) == targets).float().mean().item()
    eval_seqs = tokens[:n_eval].numpy()
    trained_f = forget_by_token(numpy_cell(model), eval_seqs)
    untrained_f = forget_by_token(numpy_cell(untrained), eval_seqs)
    probe_tokens, probe_targets = sample(generator, 1, probe_length)
    gates = read_gates(numpy_cell(model), probe_tokens[0].numpy())
    return {
        "losses": losses,
        "accuracy": accuracy,
        "forget_by_token": trained_f,
        "control_untrained_forget_by_token": untrained_f,
        "hold_vs_change_gap": hold_vs_change(trained_f),
        "control_untrained_hold_vs_change_gap": hold_vs_change(untrained_f),
        "probe_tokens": "".join(TOKENS[k] for k in probe_tokens[0].tolist()),
        "probe_memory": [MEMORY[k] for k in probe_targets[0].tolist()],
        "probe_gates": {k: gates[k].tolist() for k in "ifoc"},
    }
