"""The lesson's notebook keeper: times each section against its budget, saves figures, writes the measurements.

Files written under the output folder (lesson/output for the committed seed-0 run):
    figures/sNN_<name>.png      each section's figures
    measurements.json           seed, per-section times and budgets, every experiment's full result, headline
                                numbers and findings (lesson/summary.py)
    measurements.md, .csv       the headline numbers and the times as tables
The files are rewritten after every section, so an interrupted run still leaves what it measured.
"""

import csv
import json
import math
import os
import time
from contextlib import contextmanager

from . import summary
from .gradient_flow import ratio as gradient_ratio

# (number, key, title, budget in CPU seconds). A budget is about 3x what the section takes on one core of the
# development machine. Budgets bound CPU time, which other jobs on a shared machine do not inflate; the 5 minutes
# the whole notebook may take (TOTAL_BUDGET_S) are wall-clock time.
SECTIONS = (
    (1, "order", "1. Why order matters", 5),
    (2, "rnn_forward", "2. A SimpleRNN from scratch", 5),
    (3, "hidden_states", "3. Hidden states of a trained RNN", 10),
    (4, "gradient_flow", "4. Gradient flow and clipping", 25),
    (5, "lstm_gates", "5. LSTM gates", 20),
    (6, "bottleneck", "6. The bottleneck", 35),
    (7, "speed", "7. Sequential vs parallel", 25),
    (8, "char_rnn", "8. A character-level RNN", 15),
    (9, "long_range", "9. Long-range dependencies", 60),
    (10, "summary", "10. Summary", 15),
)
TOTAL_BUDGET_S = 300


def headline(results):
    """The numbers worth a table: [(section, quantity, value)], from whatever results are present."""
    rows = []
    if "order" in results:
        r = results["order"]
        rows += [(1, "bag of words equal (sentences 1, 2)", r["bow_equal"]["0-1"]),
                 (1, "bigram counts equal (sentences 1, 2)", r["bigram_equal"]["0-1"])]
    if "rnn_forward" in results:
        r = results["rnn_forward"]
        rows += [(2, "max |reference - torch.nn.RNN|", r["max_abs_diff"]),
                 (2, "control: same with Whh transposed", r["control_transposed_max_abs_diff"])]
    if "hidden_states" in results:
        r = results["hidden_states"]
        rows += [(3, "next-character accuracy, trained RNN", r["accuracy"]),
                 (3, "memoryless ceiling", r["memoryless_ceiling"]),
                 (3, "control: accuracy with Whh = 0", r["control_no_recurrence_accuracy"])]
    if "gradient_flow" in results:
        r = results["gradient_flow"]
        for regime in r["regimes"]:
            rows += [(4, f"||dh_50/dh_0|| / ||dh_5/dh_0||, {regime}, rho = {rho}",
                      gradient_ratio(r, regime, rho)) for rho in r["radii"]]
        rows += [(4, "BPTT vs Jacobian product, max relative difference", r["bptt_vs_jacobian_rel_diff"])]
    if "clipping" in results:
        r = results["clipping"]
        rows += [(4, f"final loss, lr = {r['lr']}, unclipped", r["final_loss_exploding_unclipped"]),
                 (4, f"final loss, lr = {r['lr']}, clipped at {r['max_norm']}", r["final_loss_exploding_clipped"]),
                 (4, f"control: final loss, lr = {r['control_lr']}, unclipped", r["final_loss_control_unclipped"]),
                 (4, f"control: final loss, lr = {r['control_lr']}, clipped", r["final_loss_control_clipped"])]
    if "lstm_gates" in results:
        r = results["lstm_gates"]
        rows += [(5, "latch task accuracy", r["accuracy"]),
                 (5, "forget gate gap f('.') - f('x'), trained", r["forget_gap"]),
                 (5, "control: same gap, untrained", r["control_untrained_forget_gap"])]
    if "bottleneck" in results:
        r = results["bottleneck"]
        rows += [(6, f"copy accuracy, {name.replace('_', ' ')}, n = {n}", a)
                 for name, accs in r["accuracy"].items() for n, a in zip(r["lengths"], accs)]
    if "speed" in results:
        r = results["speed"]
        rows += [(7, f"t_rnn / t_att at n = {n} (d = {r['d']})", s) for n, s in r["speedups"].items()]
        rows += [(7, "measured crossover n*", r["measured_crossover"]),
                 (7, "predicted crossover n*", r["predicted_crossover"])]
    if "char_rnn" in results:
        r = results["char_rnn"]
        rows += [(8, "held-out loss (nats/char)", r["held_out_loss"]),
                 (8, "unigram entropy (nats/char)", r["unigram_entropy"]),
                 (8, "control: held-out loss, shuffled text", r["control_shuffled_held_out_loss"])]
    if "long_range" in results:
        r = results["long_range"]
        rows += [(9, f"recall accuracy, {kind}, d = {d}", a)
                 for kind, accs in r["accuracy"].items() for d, a in zip(r["distances"], accs)]
        rows += [(9, "control: attention, shuffled labels", r["control_shuffled_labels_attention"])]
    return rows


def _fmt(value):
    if value is None or isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and (value == 0 or not math.isfinite(value) or 1e-3 <= abs(value) < 1e4):
        return f"{value:.3f}"
    return f"{value:.2e}"


def _cell(text):
    return text.replace("|", r"\|")  # a bare | would end the markdown table cell


class Lab:
    """Keeps one run of the lesson: its seed, output folder, section times, figures and results."""

    def __init__(self, seed, out_dir):
        self.seed = seed
        self.out_dir = out_dir
        self.figure_dir = os.path.join(out_dir, "figures")
        os.makedirs(self.figure_dir, exist_ok=True)
        self.sections = {number: {"number": number, "key": key, "title": title, "budget_s": budget,
                                  "seconds": 0.0, "cpu_seconds": 0.0, "figures": []}
                         for number, key, title, budget in SECTIONS}
        self.results = {}

    @contextmanager
    def section(self, number):
        """Time the block (wall clock and this process's CPU) and add it to the section's times.

        A section may span several cells: its times add up.
        """
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.sections[number]["seconds"] += time.perf_counter() - wall
            self.sections[number]["cpu_seconds"] += time.process_time() - cpu
            self.write()

    def record(self, key, result):
        self.results[key] = result

    def figure(self, number, name, fig):
        """Save fig as figures/sNN_name.png; returns the path."""
        path = os.path.join(self.figure_dir, f"s{number:02d}_{name}.png")
        fig.savefig(path, dpi=80, bbox_inches="tight")
        self.sections[number]["figures"].append(os.path.relpath(path, self.out_dir))
        return path

    def timings(self):
        return [dict(s) for s in self.sections.values()]

    def figure_paths(self, before=10):
        """{label: absolute path} of the figures of sections numbered below `before`, in section order."""
        paths = {}
        for s in self.sections.values():
            for rel in s["figures"] if s["number"] < before else ():
                name = os.path.splitext(os.path.basename(rel))[0].split("_", 1)[1]
                label = s["title"] if len(s["figures"]) == 1 else f"{s['title']} ({name.replace('_', ' ')})"
                paths[label] = os.path.join(self.out_dir, rel)
        return paths

    def write(self):
        rows = headline(self.results)
        data = {"seed": self.seed, "total_budget_s": TOTAL_BUDGET_S, "sections": self.timings(),
                "headline": [{"section": s, "quantity": q, "value": v} for s, q, v in rows],
                "findings": summary.findings(self.results), "results": self.results}
        with open(os.path.join(self.out_dir, "measurements.json"), "w") as f:
            json.dump(data, f, indent=1, allow_nan=True)
        with open(os.path.join(self.out_dir, "measurements.csv"), "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["section", "quantity", "value"])
            writer.writerows(rows)
            for s in self.timings():
                writer.writerow((s["number"], "wall seconds", round(s["seconds"], 2)))
                writer.writerow((s["number"], f"CPU seconds (budget {s['budget_s']})", round(s["cpu_seconds"], 2)))
        lines = [f"# Lesson measurements (seed {self.seed})", "", "| section | quantity | value |", "|---|---|---|"]
        lines += [f"| {s} | {_cell(q)} | {_fmt(v)} |" for s, q, v in rows]
        lines += ["", "| section | wall seconds | CPU seconds | CPU budget (s) |", "|---|---|---|---|"]
        lines += [f"| {s['title']} | {s['seconds']:.1f} | {s['cpu_seconds']:.1f} | {s['budget_s']} |"
                  for s in self.timings()]
        lines += ["", f"Total: {sum(s['seconds'] for s in self.timings()):.1f} s wall clock "
                  f"(limit {TOTAL_BUDGET_S} s).", ""]
        with open(os.path.join(self.out_dir, "measurements.md"), "w") as f:
            f.write("\n".join(lines))
