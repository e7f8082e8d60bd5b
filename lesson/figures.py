"""One figure per section, drawn from an experiment's returned numbers (never from anything else).

A figure of one run takes that run's result; a figure of every seed (bottleneck, char_rnn, long_range) takes
{seed: result} and draws each seed thin and their mean bold.

Figures are built with matplotlib's object API (Figure, saved by the Agg renderer): no pyplot, no global state
and no display needed, so the same code runs in a notebook, in CI and in a test. The notebook shows the saved PNG,
so what a reader sees is exactly the file written.
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

RADIUS_COLORS = {0.5: "tab:blue", 0.9: "tab:green", 1.1: "tab:orange", 1.5: "tab:red", 2.0: "tab:purple",
                 3.0: "tab:brown"}
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
    """Section 2: the numpy SimpleRNN's states and torch.nn.RNN states, step by step."""
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    ours, theirs = np.array(r["numpy_states"]), np.array(r["torch_states"])  # (T, H)
    steps = np.arange(1, len(ours) + 1)
    for k in range(ours.shape[1]):
        ax.plot(steps, theirs[:, k], "-", color=f"C{k}", alpha=0.5)
        ax.plot(steps, ours[:, k], "o", color=f"C{k}", label=f"unit {k}")
    ax.set_xlabel("time step t")
    ax.set_ylabel("h_t")
    ax.set_title(f"dots: numpy SimpleRNN, lines: torch.nn.RNN (max |diff| = {r['max_abs_diff']:.1e})")
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
    """Section 4: ||dh_T/dh_0|| against T in both regimes, and ||dL/dh_t|| from the numpy BPTT."""
    fig = Figure(figsize=(16, 4.4))
    axes = fig.subplots(1, 3)
    lengths = np.array(r["lengths"])
    for ax, regime in zip(axes[:2], ("near-linear", "saturating")):
        for radius in r["radii"]:
            run = r["runs"][regime][str(radius)]
            ax.semilogy(lengths, run["norm"], color=RADIUS_COLORS[radius], label=f"rho = {radius}")
            law = radius if regime == "near-linear" else radius * run["rms_tanh_slope"]
            ax.semilogy(lengths, run["norm"][0] * law ** (lengths - 1.0), ":", color=RADIUS_COLORS[radius])
        ax.set_xlabel("sequence length T")
        ax.set_title(f"{regime}: inputs of size {r['regimes'][regime]:g}")
        ax.legend(fontsize=8, ncol=2)
    axes[0].set_ylabel("||dh_T / dh_0||, median over the batch")
    axes[0].text(0.02, 0.02, "dotted: rho^T (states that grow to |h| ~ 1 leave it)", transform=axes[0].transAxes,
                 fontsize=8)
    axes[1].text(0.02, 0.96, "dotted: (rho * rms tanh')^T", transform=axes[1].transAxes, fontsize=8, va="top")
    T = len(lengths)
    for regime, style in (("near-linear", ":"), ("saturating", "-")):
        for radius in r["radii"]:
            axes[2].semilogy(range(T + 1), r["runs"][regime][str(radius)]["bptt"], style,
                             color=RADIUS_COLORS[radius], label=f"rho = {radius}" if style == "-" else None)
    axes[2].plot([], [], ":", color="grey", label="near-linear")
    axes[2].plot([], [], "-", color="grey", label="saturating")
    axes[2].set_xlabel("t")
    axes[2].set_ylabel(f"||dL/dh_t||, loss at t = {T}")
    axes[2].set_title("numpy BPTT: the gradient reaching step t")
    axes[2].legend(fontsize=7, ncol=2)
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


def _seed_lines(ax, xs, per_seed, color, label, style="o-"):
    """One thin line per seed and their mean, bold."""
    per_seed = np.array(per_seed, dtype=float)  # (seeds, len(xs))
    for values in per_seed:
        ax.plot(xs, values, style, color=color, alpha=0.3, lw=1, ms=3)
    ax.plot(xs, per_seed.mean(axis=0), style, color=color, lw=2, label=label)


def bottleneck(runs):
    """Section 6: copy accuracy against the state size H, and one sequence's attention weights."""
    fig = Figure(figsize=(12, 4.2))
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.4, 1])
    first = next(iter(runs.values()))
    widths, lengths = first["widths"], first["lengths"]
    for name in first["accuracy"]:
        for k, (n, style) in enumerate(zip(lengths, (":", "-"))):
            per_seed = [[r["accuracy"][name][str(H)][k] for H in widths] for r in runs.values()]
            _seed_lines(ax1, widths, per_seed, KIND_COLORS[name], f"{name.replace('_', ' ')}, n = {n}", "o" + style)
    ax1.axhline(first["chance"], color="grey", ls="--", label="chance")
    ax1.set_xscale("log", base=2)
    ax1.set_xticks(widths, [str(H) for H in widths])
    ax1.minorticks_off()
    ax1.set_ylim(0, 1.05)
    ax1.set_xlabel("state size H")
    ax1.set_ylabel("per-token accuracy (fresh sequences)")
    ax1.set_title(f"copy task, GRU encoder-decoder, {first['steps']} Adam steps ({len(runs)} seeds, bold: mean)")
    ax1.legend(fontsize=8)
    weights = np.array(first["attention_weights"])
    n = weights.shape[0]
    image = ax2.imshow(weights, cmap="viridis", vmin=0, vmax=1)
    ax2.set_xticks(range(n), [str(j + 1) for j in range(n)])
    ax2.set_yticks(range(n), [str(i + 1) for i in range(n)])
    ax2.set_xlabel("input position j")
    ax2.set_ylabel("output position i")
    ax2.set_title(f"attention weights a_ij (H = {widths[-1]})")
    fig.colorbar(image, ax=ax2)
    return fig


def speed(r):
    """Section 7: time against n for each implementation, and the RNN / bare-attention speedup."""
    fig = Figure(figsize=(13, 4.4))
    ax1, ax2 = fig.subplots(1, 2)
    for name in dict.fromkeys(row["implementation"] for row in r["rows"]):
        rows = [row for row in r["rows"] if row["implementation"] == name]
        style = "-" if rows[0]["family"] == "rnn" else "--"
        label = name if rows[0]["family"] == "rnn" else f"{name} (bare)"
        ax1.plot([row["n"] for row in rows], [row["seconds"] for row in rows], "o" + style, label=label)
    ax1.set_ylabel("seconds per call (median)")
    ax1.set_title(f"CPU, {r['threads']} thread, d = {r['d']}, B = {r['B']} (solid: RNN, dashed: bare attention)")
    ax1.legend(fontsize=7)
    ns = [int(n) for n in r["speedups"]]
    ax2.plot(ns, list(r["speedups"].values()), "o-", color="k", label="t_rnn / t_att, bare (fastest of each)")
    excluded = [n for n in ns if n in r["fit_excludes"]]
    ax2.plot(excluded, [r["speedups"][str(n)] for n in excluded], "o", mfc="white", color="k", ms=8,
             label="not used by the fit")
    ax2.plot(ns, [r["d"] / n for n in ns], ":", color="grey", label="F_rnn / F_att = d / n (bare)")
    ax2.plot(ns, [r["d"] / (2 * r["d"] + n) for n in ns], "-.", color="grey",
             label="F_rnn / F_layer = d / (2d + n) (with projections)")
    ax2.axhline(1, color="grey", lw=0.8)
    ax2.axvline(r["d"], color="tab:blue", lw=0.8, label="n = d")
    for key, color in (("measured_crossover", "tab:red"), ("predicted_crossover", "tab:purple")):
        if r[key] is not None:
            ax2.axvline(r[key], color=color, ls="--", label=f"{key.split('_')[0]} n* = {r[key]:.0f}")
    ax2.set_title("speedup of bare attention over the RNN (> 1: attention faster)")
    ax2.legend(fontsize=7)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(ns, [str(n) for n in ns])
        ax.minorticks_off()
        ax.set_xlabel("sequence length n")
    low, high = ax2.get_ylim()
    ticks = [2.0 ** k for k in range(-8, 7) if low <= 2.0 ** k <= high]  # powers of 2: readable speedups
    ax2.set_yticks(ticks, [f"{t:g}" for t in ticks])
    return fig


def char_rnn(runs):
    """Section 8: training and unseen-passage loss per epoch, against the baselines and the shuffled control."""
    fig = Figure(figsize=(9, 4.4))
    ax = fig.subplots()
    first = next(iter(runs.values()))
    epochs = np.arange(1, len(first["losses"]) + 1)
    for key, color, label in (("losses", "tab:blue", "Alice, training loss"),
                              ("unseen_losses", "tab:green", "Alice, unseen passage"),
                              ("control_shuffled_losses", "tab:grey", "shuffled text, training loss")):
        _seed_lines(ax, epochs, [r[key] for r in runs.values()], color, label, ".-")
    ax.plot(epochs[-1], np.mean([r["control_shuffled_held_out_loss"] for r in runs.values()]), "x", color="k", ms=10,
            label="shuffled text, unseen passage")
    ax.axhline(first["bigram_loss"], color="tab:orange", ls="--", label=f"bigram model {first['bigram_loss']:.2f}")
    ax.axhline(first["unigram_loss"], color="k", ls=":", label=f"unigram model {first['unigram_loss']:.2f}")
    ax.set_xlabel("epoch (one pass over chapter I)")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title(f"character RNN, truncated BPTT every {first['chunk']} characters ({len(runs)} seeds)")
    ax.legend(fontsize=8)
    return fig


def long_range(runs):
    """Section 9: accuracy at the farthest distances against training steps, and final accuracy per distance."""
    fig = Figure(figsize=(13, 4.4))
    ax1, ax2 = fig.subplots(1, 2)
    first = next(iter(runs.values()))
    far = first["buckets"][-1]
    labels = [f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in first["buckets"]]
    for kind in first["curves"]:
        params = first["parameters"][kind]
        _seed_lines(ax1, first["eval_steps"], [[acc[-1] for acc in r["curves"][kind]] for r in runs.values()],
                    KIND_COLORS[kind], f"{kind} ({params} parameters)")
        _seed_lines(ax2, range(len(labels)), [r["final_accuracy"][kind] for r in runs.values()], KIND_COLORS[kind],
                    kind)
    _seed_lines(ax2, range(len(labels)), [r["control_shuffled_labels_accuracy"] for r in runs.values()],
                "tab:green", "attention, shuffled labels (control)", "x:")
    for ax in (ax1, ax2):
        ax.axhline(first["chance"], color="grey", ls="--", label="chance")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("accuracy (fresh sequences)")
    ax1.set_xlabel("Adam steps")
    ax1.set_title(f"marked token at distance {far[0]}-{far[1]} ({len(runs)} seeds, bold: mean)")
    ax1.legend(fontsize=8)
    ax2.set_xticks(range(len(labels)), labels)
    ax2.set_xlabel("distance d from the marked token to the end")
    ax2.set_title(f"after {first['eval_steps'][-1]} steps, sequences of {first['L']} tokens")
    ax2.legend(fontsize=8)
    return fig


def closing(found, timings):
    """Section 10: every claim's verdict in a table, and each section's time against its budget.

    found: summary.findings(...); timings: [{"title", "seconds", "cpu_seconds", "budget_s"}] of the sections shown.
    """
    fig = Figure(figsize=(14, 0.3 * len(found) + 4.5))
    grid = fig.add_gridspec(2, 1, height_ratios=[0.3 * len(found), 3.2], hspace=0.15)
    ax = fig.add_subplot(grid[0])
    ax.set_axis_off()
    cells = [[str(f["section"]), f["claim"] if len(f["claim"]) <= 110 else f["claim"][:107] + "...",
              "held" if f["holds"] else "did NOT hold"] for f in found]
    table = ax.table(cellText=cells, colLabels=["section", "claim (every seed; its control failed on every seed)",
                                                "verdict"],
                     colWidths=[0.07, 0.8, 0.13], bbox=[0, 0, 1, 1], cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    for (row, col), cell in table.get_celld().items():
        if row > 0 and col == 2:
            cell.set_facecolor("#d8f0d8" if found[row - 1]["holds"] else "#f6d0d0")
    ax.set_title(f"{sum(f['holds'] for f in found)} of {len(found)} claims held", fontsize=12)
    ax = fig.add_subplot(grid[1])
    labels = [t["title"] for t in timings]
    ax.barh(labels, [t["budget_s"] for t in timings], color="lightgrey", label="CPU budget")
    ax.barh(labels, [t["seconds"] for t in timings], height=0.5, color="tab:blue", label="wall clock")
    ax.plot([t["cpu_seconds"] for t in timings], labels, "k|", ms=14, mew=2, label="CPU time")
    ax.invert_yaxis()
    ax.set_xlabel("seconds (all seeds)")
    ax.legend(fontsize=8)
    return fig
