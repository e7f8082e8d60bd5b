"""PNG figures of a report: time versus n (log-log) and speedup t_rnn / t_att versus n per section, and the
fastest of each family on a CPU and on a GPU in one figure.

One figure per section (device, threads), one panel per width d, with n = d marked: Vaswani et al.'s rule of
thumb puts the crossover there when both families run at the same throughput. Where the section measured the
cost t_op of one eager op, the time figure draws the eager loop's floor TORCH_OPS_PER_STEP * n * t_op.
"""

import matplotlib

matplotlib.use("Agg")  # files only: no display needed (CI, servers)
import matplotlib.pyplot as plt  # noqa: E402

from benchmarks.crossover import (implementations, measured_crossovers, predicted_crossover,  # noqa: E402
                                  speedups, times)
from benchmarks.names import BEST, PAIRS, TORCH_OPS_PER_STEP  # noqa: E402

_STYLE = {"rnn": dict(linestyle="-", marker="o"), "attention": dict(linestyle="--", marker="s")}


def _panels(by_d):
    fig, axes = plt.subplots(1, len(by_d), figsize=(6.5 * len(by_d), 4.8), squeeze=False)
    return fig, axes[0]


def plot_times(by_d, title, path, eager_op_s=None):
    """Median time per call versus n, every implementation, log-log; by_d: {d: rows}; eager_op_s: see above."""
    fig, axes = _panels(by_d)
    for ax, (d, rows) in zip(axes, sorted(by_d.items())):
        for family in ("rnn", "attention"):
            for name in implementations(rows, family):
                t = times(rows, family, name)
                ax.plot(list(t), list(t.values()), label=f"{name} ({family})", **_STYLE[family])
        if eager_op_s:
            ns = sorted({row["n"] for row in rows})
            ax.plot(ns, [TORCH_OPS_PER_STEP * n * eager_op_s for n in ns], color="black", linewidth=0.8,
                    label=f"{TORCH_OPS_PER_STEP} n x one eager op ({eager_op_s * 1e6:.3g} us)")
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
            marks = [(n_star, "x") for n_star in measured_crossovers(rows, rnn, att)]
            for n_star, marker in marks + [(predicted_crossover(rows, rnn, att), "^")]:
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


def plot_devices(cpu, gpu, path):
    """Fastest RNN and fastest attention versus n on a CPU and on a GPU, one panel per shared width d.

    cpu, gpu: (section title, {d: rows}) of one CPU and one GPU section."""
    (cpu_title, cpu_by_d), (gpu_title, gpu_by_d) = cpu, gpu
    shared = sorted(set(cpu_by_d) & set(gpu_by_d))
    fig, axes = _panels(dict.fromkeys(shared))
    for ax, d in zip(axes, shared):
        for label, by_d, color in (("CPU", cpu_by_d, "tab:blue"), ("GPU", gpu_by_d, "tab:red")):
            for family in ("rnn", "attention"):
                t = times(by_d[d], family, BEST)
                ax.plot(list(t), list(t.values()), color=color, label=f"{label}: fastest {family}", **_STYLE[family])
        ax.axvline(d, color="grey", linestyle=":", label=f"n = d = {d}")
        ax.set(xscale="log", yscale="log", xlabel="sequence length n", ylabel="median time per call (s)",
               title=f"d = {d}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"{cpu_title}\n{gpu_title}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
