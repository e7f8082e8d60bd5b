"""The lesson's notebook keeper: runs each experiment on every seed, times each section against its budget, saves
figures and writes the measurements.

Files written under the output folder (lesson/output for the committed run; see lesson/run.py):
    figures/sNN_<name>.png      each section's figures
    measurements.json           seeds, per-section times and budgets, every experiment's full result per seed, the
                                claims' numbers (lesson/claims.py) and findings (lesson/summary.py)
    measurements.md, .csv       every claim's measured value and control per seed, and the times, as tables
The files are rewritten after every section, so an interrupted run still leaves what it measured.
"""

import csv
import json
import os
import time
from contextlib import contextmanager

from . import claims, summary

# (number, title, budget in CPU seconds for all seeds). A budget is two to three times what the section takes on one
# core of the development machine. Budgets bound CPU time, which other jobs on a shared machine do not inflate; the
# 5 minutes the whole notebook may take (TOTAL_BUDGET_S) are wall-clock time.
SECTIONS = (
    (1, "1. Why order matters", 5),
    (2, "2. A SimpleRNN from scratch", 5),
    (3, "3. Hidden states of a trained RNN", 15),
    (4, "4. Gradient flow, BPTT and clipping", 30),
    (5, "5. LSTM gates", 15),
    (6, "6. The bottleneck", 80),
    (7, "7. Sequential vs parallel", 25),
    (8, "8. A character-level RNN", 15),
    (9, "9. Long-range dependencies", 35),
    (10, "10. Summary", 15),
)
TOTAL_BUDGET_S = 300
N_SEEDS = 3  # every seeded claim is judged on this many consecutive seeds
UNSEEDED = "-"  # the seed label of an experiment that draws no random numbers (or only timings)


def claim_rows(results):
    """[(section, claim id, seed, measured, control)] for every claim whose experiment is present."""
    rows = []
    for claim in claims.CLAIMS.values():
        if claim.key in results:
            rows += [(claim.section, claim.id, row["seed"], row["measured"], row["control"])
                     for row in claims.judge(claim, results[claim.key])]
    return rows


class Lab:
    """Keeps one run of the lesson: its seeds, output folder, section times, figures and results."""

    def __init__(self, seed, out_dir, n_seeds=N_SEEDS):
        self.seeds = [seed + k for k in range(n_seeds)]
        self.out_dir = out_dir
        self.figure_dir = os.path.join(out_dir, "figures")
        os.makedirs(self.figure_dir, exist_ok=True)
        self.sections = {number: {"number": number, "title": title, "budget_s": budget,
                                  "seconds": 0.0, "cpu_seconds": 0.0, "figures": []}
                         for number, title, budget in SECTIONS}
        self.results = {}
        self.implementations = {}  # exercise -> where the code the sections ran came from (lesson.exercise_code)

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

    def run(self, key, experiment, seeded=True, **settings):
        """experiment(seed, **settings) for every seed (experiment(**settings) once if not seeded); returns and
        keeps {seed: result}."""
        runs = ({str(seed): experiment(seed, **settings) for seed in self.seeds} if seeded
                else {UNSEEDED: experiment(**settings)})
        self.results[key] = runs
        return runs

    def figure(self, number, name, fig):
        """Save fig as figures/sNN_name.png; returns the path."""
        path = os.path.join(self.figure_dir, f"s{number:02d}_{name}.png")
        fig.savefig(path, dpi=80, bbox_inches="tight")
        self.sections[number]["figures"].append(os.path.relpath(path, self.out_dir))
        return path

    def timings(self):
        return [dict(s) for s in self.sections.values()]

    def write(self):
        rows = claim_rows(self.results)
        data = {"seeds": self.seeds, "total_budget_s": TOTAL_BUDGET_S, "sections": self.timings(),
                "claims": [{"section": s, "claim": c, "seed": seed, "measured": m, "control": k}
                           for s, c, seed, m, k in rows],
                "findings": summary.findings(self.results), "implementations": self.implementations,
                "results": self.results}
        with open(os.path.join(self.out_dir, "measurements.json"), "w") as f:
            json.dump(data, f, indent=1, allow_nan=True)
        with open(os.path.join(self.out_dir, "measurements.csv"), "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["section", "claim", "seed", "measured", "control"])
            writer.writerows(rows)
            for s in self.timings():
                writer.writerow((s["number"], "wall seconds", "", round(s["seconds"], 2), ""))
                writer.writerow((s["number"], f"CPU seconds (budget {s['budget_s']})", "",
                                 round(s["cpu_seconds"], 2), ""))
        lines = [f"# Lesson measurements (seeds {', '.join(map(str, self.seeds))})", "",
                 "| section | claim | seed | measured | test | control |", "|---|---|---|---|---|---|"]
        for section, claim_id, seed, measured, control in rows:
            c = claims.CLAIMS[claim_id]
            lines.append(f"| {section} | {claim_id} | {seed} | {c.show(measured)} | {c.test()} | {c.show(control)} |")
        lines += ["", "| section | wall seconds | CPU seconds | CPU budget (s) |", "|---|---|---|---|"]
        lines += [f"| {s['title']} | {s['seconds']:.1f} | {s['cpu_seconds']:.1f} | {s['budget_s']} |"
                  for s in self.timings()]
        lines += ["", f"Total: {sum(s['seconds'] for s in self.timings()):.1f} s wall clock "
                  f"(limit {TOTAL_BUDGET_S} s).", ""]
        with open(os.path.join(self.out_dir, "measurements.md"), "w") as f:
            f.write("\n".join(lines))
