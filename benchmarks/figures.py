"""PNG figures of a report section: time versus n (log-log) and speedup t_rnn / t_att versus n.

One figure per section (device, threads), one panel per width d, with n = d marked: Vaswani et al.'s rule of
thumb puts the crossover there when both families run at the same throughput.
"""

import matplotlib

matplotlib.use("Agg")  # files only: no display needed (CI, servers)
import matplotlib.pyplot as plt  # noqa: E402

from benchmarks.crossover import (implementations, measured_crossover, predicted_crossover,  # noqa: E402
                                  speedups, times)
from benchmarks.names import BEST, PAIRS  # noqa: E402

_STYLE = {"rnn": dict(linestyle="-", marker="o"), "attention": dict(linestyle="--", marker="s")}


def _panels(by_d):
    fig, axes = plt.subplots(1, len(by_d), figsize=(6.5 * len(by_d), 4.8), squeeze=False)
    return fig, axes[0]


def plot_times(by_d, title, path):
    """Median time per call versus n, every implementation, log-log; by_d: {d: rows}."""
    fig, axes = _panels(by_d)
    for ax, (d, rows) in zip(axes, sorted(by_d.items())):
        for family in ("rnn", "attention"):
            for name in implementations(rows, family):
                t = times(rows, family, name)
                ax.plot(list(t), list(t.values()), label=f"{name} ({family})", **_STYLE[family])
        ax.axvline(d, color="grey", linestyle=":", label=f"n = d = {d}")
        ax.set(xscale="log", yscale="log", xlabel="sequence length n", ylabel="median time per call (s)",
               title=f"d = {d}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_speedups(by_d, title, path):
    """t_rnn / t_att versus n for the report's pairs, measured (x) and predicted (^) crossovers marked."""
    fig, axes = _panels(by_d)
    for ax, (d, rows) in zip(axes, sorted(by_d.items())):
        for rnn, att in PAIRS:
            s = speedups(rows, rnn, att)
            if len(s) < 2:
                continue
            label = "fastest RNN / fastest attention" if (rnn, att) == (BEST, BEST) else f"{rnn} / {att}"
            (line,) = ax.plot(list(s), list(s.values()), marker="o", label=label,
                              linewidth=2.5 if (rnn, att) == (BEST, BEST) else 1.2)
            for n_star, marker in ((measured_crossover(rows, rnn, att), "x"),
                                   (predicted_crossover(rows, rnn, att), "^")):
                if n_star is not None:
                    ax.plot([n_star], [1.0], marker=marker, markersize=9, color=line.get_color(), linestyle="")
        ax.plot([], [], "kx", label="measured crossover")
        ax.plot([], [], "k^", label="predicted d R_att / R_rnn")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.axvline(d, color="grey", linestyle=":", label=f"n = d = {d}")
        ax.set(xscale="log", yscale="log", xlabel="sequence length n",
               ylabel="speedup t_rnn / t_attention (> 1: attention faster)", title=f"d = {d}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
