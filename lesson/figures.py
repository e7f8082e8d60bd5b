"""One figure per section, drawn from an experiment's returned numbers (never from anything else).

Figures are built with matplotlib's object API (Figure, saved by the Agg renderer): no pyplot, no global state
and no display needed, so the same code runs in a notebook, in CI and in a test. The notebook shows the saved PNG,
so what a reader sees is exactly the file written.
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.patches import Rectangle

RADIUS_COLORS = {0.5: "tab:blue", 0.9: "tab:green", 1.1: "tab:orange", 1.5: "tab:red"}
KIND_COLORS = {"rnn": "tab:red", "lstm": "tab:orange", "attention": "tab:green", "no_attention": "tab:red"}


def _heatmap(ax, matrix, xlabels, ylabels, cmap="Blues", vmin=None, vmax=None, annotate=False):
    matrix = np.asarray(matrix, dtype=float)
    image = ax.imshow(matrix, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks(range(len(xlabels)), xlabels)
    ax.set_yticks(range(len(ylabels)), ylabels)
    if annotate:
        for (r, c), v in np.ndenumerate(matrix):
            ax.text(c, r, f"{v:g}", ha="center", va="center", color="black" if v else "grey", fontsize=9)
    return image


def _visible(c):
    return "\u2423" if c == " " else c  # an open box stands for the space character


def order(r):
    """Section 1: bag-of-words and bigram counts of the sentences."""
    fig = Figure(figsize=(12, 3.2))
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.6])
    verdict = {True: "equal", False: "different"}
    _heatmap(ax1, r["bow"], r["vocab"], r["sentences"], annotate=True, vmin=0, vmax=3)
    ax1.set_title(f"bag of words: rows 1 and 2 {verdict[r['bow_equal']['0-1']]}")
    _heatmap(ax2, r["bigram"], r["bigram_vocab"], [""] * len(r["sentences"]), annotate=True, vmin=0, vmax=3)
    ax2.tick_params(axis="x", labelrotation=45)
    ax2.set_title(f"bigram counts: rows 1 and 2 {verdict[r['bigram_equal']['0-1']]}")
    return fig


def rnn_forward(r):
    """Section 2: reference numpy states and torch.nn.RNN states, step by step."""
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    ours, theirs = np.array(r["reference_states"]), np.array(r["torch_states"])  # (T, H)
    steps = np.arange(1, len(ours) + 1)
    for k in range(ours.shape[1]):
        ax.plot(steps, theirs[:, k], "-", color=f"C{k}", alpha=0.5)
        ax.plot(steps, ours[:, k], "o", color=f"C{k}", label=f"unit {k}")
    ax.set_xlabel("time step t")
    ax.set_ylabel("h_t")
    ax.set_title(f"dots: reference SimpleRNN, lines: torch.nn.RNN (max |diff| = {r['max_abs_diff']:.1e})")
    ax.legend(fontsize=8)
    return fig


def hidden_states(r):
    """Section 3: loss of the trained RNN and its hidden states over two periods of the text."""
    fig = Figure(figsize=(13, 4.5))
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 3.5])
    ax1.semilogy(r["losses"])
    ax1.set_xlabel("SGD step")
    ax1.set_ylabel("cross-entropy (nats)")
    ax1.set_title("training loss")
    states = np.array(r["states"])  # (H, len(probe))
    image = _heatmap(ax2, states, [_visible(c) for c in r["probe"]], [], cmap="RdBu", vmin=-1, vmax=1)
    ax2.set_yticks([])
    ax2.set_ylabel(f"{states.shape[0]} hidden units")
    ax2.set_xlabel("input character (top: predicted next character; boxed: the three 'l')")
    top = ax2.secondary_xaxis("top")
    top.set_xticks(range(len(r["predicted"])), [_visible(c) for c in r["predicted"]])
    for p in r["l_positions"]:
        ax2.add_patch(Rectangle((p - 0.5, -0.5), 1, states.shape[0], fill=False, edgecolor="black", lw=2))
    fig.colorbar(image, ax=ax2, label="h_t")
    return fig


def gradient_flow(r):
    """Section 4: ||dh_T/dh_0|| against T in both regimes, and ||dL/dh_t|| from the reference BPTT."""
    fig = Figure(figsize=(15, 4.2))
    axes = fig.subplots(1, 3)
    lengths = np.array(r["lengths"])
    for ax, regime in zip(axes[:2], ("near-linear", "saturating")):
        for radius in r["radii"]:
            run = r["runs"][regime][str(radius)]
            ax.semilogy(lengths, run["norm"], color=RADIUS_COLORS.get(radius), label=f"rho = {radius}")
            if regime == "near-linear":
                ax.semilogy(lengths, run["norm"][0] * radius ** (lengths - 1.0), ":", color=RADIUS_COLORS.get(radius))
        ax.set_xlabel("sequence length T")
        ax.set_title(f"{regime}: inputs of size {r['regimes'][regime]:g}")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("||dh_T / dh_0||, median over the batch")
    axes[0].text(0.02, 0.02, "dotted: rho^T", transform=axes[0].transAxes, fontsize=8)
    T = len(lengths)
    for regime, style in (("near-linear", ":"), ("saturating", "-")):
        for radius in r["radii"]:
            axes[2].semilogy(range(T + 1), r["runs"][regime][str(radius)]["bptt"], style,
                             color=RADIUS_COLORS.get(radius))
    axes[2].set_xlabel("t")
    axes[2].set_ylabel(f"||dL/dh_t||, loss at t = {T}")
    axes[2].set_title("reference BPTT (dotted: near-linear, solid: saturating)")
    return fig


def clipping(r):
    """Section 4: loss and gradient norm of training runs with and without norm clipping."""
    fig = Figure(figsize=(12, 4))
    ax1, ax2 = fig.subplots(1, 2)
    styles = {"exploding_unclipped": ("tab:red", "-"), "exploding_clipped": ("tab:green", "-"),
              "control_unclipped": ("tab:red", ":"), "control_clipped": ("tab:green", ":")}
    for key, (color, style) in styles.items():
        rate = r["lr"] if key.startswith("exploding") else r["control_lr"]
        label = f"lr = {rate}, {key.split('_')[1]}"
        ax1.semilogy(r["runs"][key]["loss"], style, color=color, label=label)
        ax2.semilogy(r["runs"][key]["grad_norm"], style, color=color, label=label)
    ax2.axhline(r["max_norm"], color="k", lw=0.8)
    ax1.set_title("training loss")
    ax2.set_title(f"gradient norm before clipping (line: max_norm = {r['max_norm']})")
    for ax in (ax1, ax2):
        ax.set_xlabel("SGD step")
        ax.legend(fontsize=8)
    return fig


def lstm_gates(r):
    """Section 5: gates of the trained LSTM over a probe sequence, and the mean forget gate per token."""
    fig = Figure(figsize=(14, 6.5))
    grid = fig.add_gridspec(4, 2, width_ratios=[4, 1])
    tokens = list(r["probe_tokens"])
    names = {"f": "forget gate f", "i": "input gate i", "o": "output gate o", "c": "cell state c"}
    for row, key in enumerate("fioc"):
        ax = fig.add_subplot(grid[row, 0])
        values = np.array(r["probe_gates"][key])  # (H, T)
        limits = (-1.5, 1.5) if key == "c" else (0, 1)
        image = _heatmap(ax, values, tokens if row == 3 else [""] * len(tokens), [], cmap="viridis",
                         vmin=limits[0], vmax=limits[1])
        ax.set_yticks([])
        ax.set_ylabel(names[key], fontsize=9)
        fig.colorbar(image, ax=ax, pad=0.01)
        if row == 0:
            memory = [m[0] if m != "none" else "-" for m in r["probe_memory"]]
            top = ax.secondary_xaxis("top")
            top.set_xticks(range(len(memory)), memory)
            ax.set_title("input tokens below, memory content (target) above")
    ax = fig.add_subplot(grid[:, 1])
    x = np.arange(len(r["forget_by_token"]))
    ax.bar(x - 0.2, list(r["forget_by_token"].values()), 0.4, label="trained")
    ax.bar(x + 0.2, list(r["control_untrained_forget_by_token"].values()), 0.4, label="untrained")
    ax.set_xticks(x, [repr(t) for t in r["forget_by_token"]])
    ax.set_ylim(0, 1)
    ax.set_title("mean forget gate per token")
    ax.legend(fontsize=8)
    return fig


def bottleneck(r):
    """Section 6: copy accuracy against length, and one sequence's attention weights."""
    fig = Figure(figsize=(11, 4))
    ax1, ax2 = fig.subplots(1, 2)
    for name, acc in r["accuracy"].items():
        ax1.plot(r["lengths"], acc, "o-", color=KIND_COLORS[name], label=name.replace("_", " "))
    ax1.axhline(r["chance"], color="grey", ls="--", label="chance")
    ax1.set_xscale("log", base=2)
    ax1.set_xticks(r["lengths"], [str(n) for n in r["lengths"]])
    ax1.set_ylim(0, 1.05)
    ax1.set_xlabel("sequence length n")
    ax1.set_ylabel("per-token accuracy (fresh sequences)")
    ax1.set_title("copy task: encoder-decoder GRU")
    ax1.legend(fontsize=8)
    weights = np.array(r["attention_weights"])
    image = ax2.imshow(weights, cmap="viridis", vmin=0, vmax=1)
    ax2.set_xlabel("input position j")
    ax2.set_ylabel("output position i")
    ax2.set_title("attention weights a_ij of one sequence")
    fig.colorbar(image, ax=ax2)
    return fig


def speed(r):
    """Section 7: time against n for each implementation, and the RNN/attention speedup."""
    fig = Figure(figsize=(12, 4))
    ax1, ax2 = fig.subplots(1, 2)
    for name in dict.fromkeys(row["implementation"] for row in r["rows"]):
        rows = [row for row in r["rows"] if row["implementation"] == name]
        style = "-" if rows[0]["family"] == "rnn" else "--"
        ax1.plot([row["n"] for row in rows], [row["seconds"] for row in rows], "o" + style, label=name)
    ax1.set_ylabel("seconds per call (median)")
    ax1.set_title(f"CPU, {r['threads']} thread, d = {r['d']}, B = {r['B']} (solid: RNN, dashed: attention)")
    ax1.legend(fontsize=7)
    ns = [int(n) for n in r["speedups"]]
    ax2.plot(ns, list(r["speedups"].values()), "o-", color="k", label="t_rnn / t_att (fastest of each)")
    ax2.plot(ns, [r["d"] / n for n in ns], ":", color="grey", label="F_rnn / F_att = d / n")
    ax2.axhline(1, color="grey", lw=0.8)
    ax2.axvline(r["d"], color="tab:blue", lw=0.8, label="n = d")
    for key, color in (("measured_crossover", "tab:red"), ("predicted_crossover", "tab:purple")):
        if r[key] is not None:
            ax2.axvline(r[key], color=color, ls="--", label=f"{key.split('_')[0]} n* = {r[key]:.0f}")
    ax2.set_title("speedup of attention over the RNN (> 1: attention faster)")
    ax2.legend(fontsize=7)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(ns, [str(n) for n in ns])
        ax.minorticks_off()
        ax.set_xlabel("sequence length n")
    low, high = ax2.get_ylim()
    ticks = [2.0 ** k for k in range(-6, 7) if low <= 2.0 ** k <= high]  # powers of 2: readable speedups
    ax2.set_yticks(ticks, [f"{t:g}" for t in ticks])
    return fig


def char_rnn(r):
    """Section 8: training loss of the character model, held-out losses, and the shuffled-text control."""
    fig = Figure(figsize=(8, 4))
    ax = fig.subplots()
    ax.semilogy(r["losses"], color="tab:blue", label="text: training loss")
    ax.semilogy(r["control_shuffled_losses"], color="tab:grey", label="shuffled text: training loss")
    ax.axhline(r["held_out_loss"], color="tab:blue", ls="--", label=f"text: held-out {r['held_out_loss']:.1e}")
    ax.axhline(r["control_shuffled_held_out_loss"], color="tab:grey", ls="--",
               label=f"shuffled: held-out {r['control_shuffled_held_out_loss']:.2f}")
    ax.axhline(r["unigram_entropy"], color="k", ls=":", label=f"unigram entropy {r['unigram_entropy']:.2f}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.legend(fontsize=8)
    return fig


def long_range(r):
    """Section 9: accuracy against dependency distance for each model."""
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    for kind, acc in r["accuracy"].items():
        ax.plot(r["distances"], acc, "o-", color=KIND_COLORS[kind], label=kind)
    ax.axhline(r["chance"], color="grey", ls="--", label="chance")
    ax.plot([max(r["distances"])], [r["control_shuffled_labels_attention"]], "x", color="tab:green", ms=10,
            label="attention, shuffled labels")
    ax.set_xscale("log", base=2)
    ax.set_xticks(r["distances"], [str(d) for d in r["distances"]])
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("distance d to the token that holds the answer")
    ax.set_ylabel("accuracy (fresh sequences)")
    ax.set_title(f"recall the token d positions back ({r['steps']} Adam steps each)")
    ax.legend(fontsize=8)
    return fig


def closing(figure_paths, timings):
    """Section 10: every section's figure, small, and the seconds each section took against its budget.

    figure_paths: {title: png path}; timings: [{"title", "seconds", "cpu_seconds", "budget_s"}] of the sections
    to show.
    """
    n = len(figure_paths)
    cols = 3
    rows = -(-n // cols) + 1
    fig = Figure(figsize=(15, 3.2 * rows))
    grid = fig.add_gridspec(rows, cols)
    for k, (title, path) in enumerate(figure_paths.items()):
        ax = fig.add_subplot(grid[k // cols, k % cols])
        ax.imshow(imread(path))
        ax.set_axis_off()
        ax.set_title(title, fontsize=9)
    ax = fig.add_subplot(grid[rows - 1, :])
    labels = [t["title"] for t in timings]
    ax.barh(labels, [t["budget_s"] for t in timings], color="lightgrey", label="CPU budget")
    ax.barh(labels, [t["seconds"] for t in timings], height=0.5, color="tab:blue", label="wall clock")
    ax.plot([t["cpu_seconds"] for t in timings], labels, "k|", ms=14, mew=2, label="CPU time")
    ax.invert_yaxis()
    ax.set_xlabel("seconds")
    ax.legend(fontsize=8)
    return fig
