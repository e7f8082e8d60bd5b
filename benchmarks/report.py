"""Read pytest-benchmark JSON results and report them: tables on stdout (and DIR/report.txt), PNGs in DIR.

    python -m benchmarks.report RESULTS.json [MORE.json ...] --out DIR

Per section (device, threads) and width d: for each n the median time of every implementation, the speedups
t_rnn / t_att, achieved GFLOP/s and percent of the measured peak; per implementation the scaling exponent
(benchmarks.scaling); per RNN/attention pair the measured and the predicted crossover (benchmarks.crossover).

Peak = the fastest round of the fastest fp32 matmul of the same run (same device, same threads):
    peak = max over the peak benchmarks of 2 s^3 / t_best
"""

import argparse
import pathlib
import re
import sys

from benchmarks import figures
from benchmarks.crossover import (ATTENTION_THROUGHPUT_MIN_N_PER_D, RNN_THROUGHPUT_MAX_N, implementations,
                                  measured_crossover, predicted_crossover, prediction_throughputs, speedups,
                                  times)
from benchmarks.load import load_rows, sections
from benchmarks.names import BEST, FAMILIES, PAIRS
from benchmarks.scaling import EXPONENT_MIN_N, scaling_exponent


def format_seconds(t):
    if t is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


def _ordered(rows, family):
    """Implementations present, in the fixed order of benchmarks.names."""
    present = set(implementations(rows, family))
    known = [name for name in FAMILIES[family] if name in present]
    return known + sorted(present - set(known))


def peak(rows):
    """(FLOP/s, implementation, matmul side) of the best peak round in rows, or None."""
    best = None
    for row in rows:
        if row["family"] == "peak":
            rate = row["flops"] / row["best_seconds"]
            if best is None or rate > best[0]:
                best = (rate, row["implementation"], row["size"])
    return best


def format_number(x, digits=3):
    """3 significant digits, but never scientific notation for large values (GPU GFLOP/s run to 10^4)."""
    return f"{x:.{digits}g}" if abs(x) < 10 ** digits else f"{x:.0f}"


def _table(header, lines):
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    def fmt(cells):  # first column (n or pair name) to the left, numbers to the right
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    return [fmt(header)] + [fmt(line) for line in lines]


def _pair_name(rnn, att):
    return "fastest/fastest" if (rnn, att) == (BEST, BEST) else f"{rnn}/{att}"


def _pairs(rows):
    present = set(implementations(rows, "rnn")) | set(implementations(rows, "attention")) | {BEST}
    return [(r, a) for r, a in PAIRS if r in present and a in present and speedups(rows, r, a)]


def _no_crossing(rows, rnn, att):
    s = speedups(rows, rnn, att)
    if not s:
        return "no data"
    if all(v > 1 for v in s.values()):
        return f"none: attention faster for all n <= {max(s)}"
    return f"none: RNN faster for all n >= {min(s)}"


def width_report(rows, d, peak_rate):
    """Lines for one width d of one section."""
    out = []
    rnns, atts = _ordered(rows, "rnn"), _ordered(rows, "attention")
    ns = sorted({row["n"] for row in rows if row["family"] in ("rnn", "attention")})
    t = {(fam, name): times(rows, fam, name) for fam, names in (("rnn", rnns), ("attention", atts))
         for name in names}
    batch = sorted({row["B"] for row in rows if row["family"] != "peak"})
    out.append(f"--- d = {d}, B = {', '.join(map(str, batch))} ---")

    out.append("median time per call")
    header = ["n"] + rnns + ["|"] + atts
    lines = [[n] + [format_seconds(t["rnn", r].get(n)) for r in rnns] + ["|"]
             + [format_seconds(t["attention", a].get(n)) for a in atts] for n in ns]
    out += _table(header, lines)

    pairs = _pairs(rows)
    out.append("")
    out.append("speedup t_rnn / t_attention (> 1: attention is faster)")
    s = {pair: speedups(rows, *pair) for pair in pairs}
    lines = [[n] + [f"{s[p][n]:.3g}" if n in s[p] else "-" for p in pairs] for n in ns]
    out += _table(["n"] + [_pair_name(*p) for p in pairs], lines)

    out.append("")
    peak_note = f"% of peak {peak_rate / 1e9:.1f}" if peak_rate else "no peak measured"
    out.append(f"achieved GFLOP/s ({peak_note})")
    by_key = {(row["family"], row["implementation"], row["n"]): row for row in rows}

    def rate(family, name, n):
        row = by_key.get((family, name, n))
        if row is None:
            return "-"
        r = row["flops"] / row["seconds"]
        gflops = format_number(r / 1e9)
        return f"{gflops} ({format_number(100 * r / peak_rate, 2)}%)" if peak_rate else gflops

    lines = [[n] + [rate("rnn", r, n) for r in rnns] + ["|"] + [rate("attention", a, n) for a in atts]
             for n in ns]
    out += _table(header, lines)
    if peak_rate and any(row["flops"] / row["seconds"] > peak_rate for row in rows):
        out.append("WARNING: some cases beat the measured peak: the peak rounds were slowed down (a busy, shared "
                   "machine?), so the percentages are unreliable; rerun on an idle machine")

    out.append("")
    out.append(f"scaling exponent k in t ~ n^k (least squares in log-log over n >= {EXPONENT_MIN_N}):")
    for fam, names in (("rnn", rnns), ("attention", atts)):
        parts = []
        for name in names:
            k = scaling_exponent(t[fam, name])
            parts.append(f"{name} {k:.2f}" if k is not None else f"{name} n/a (< 2 points)")
        out.append(f"  {fam:9s}: " + ", ".join(parts))
    longest = max(ns) if ns else None
    per_step = [f"{r} {format_seconds(t['rnn', r][longest] / longest)}" for r in rnns if longest in t["rnn", r]]
    if per_step:
        out.append(f"  RNN time per step at n = {longest}: " + ", ".join(per_step))

    out.append("")
    out.append(f"crossover n* (t_rnn = t_att): measured = log-log interpolation between bracketing n; predicted = "
               f"d R_att / R_rnn, R_rnn from n <= {RNN_THROUGHPUT_MAX_N}, R_att from n >= "
               f"{ATTENTION_THROUGHPUT_MIN_N_PER_D}d = {ATTENTION_THROUGHPUT_MIN_N_PER_D * d}")
    lines = []
    for pair in pairs:
        measured = measured_crossover(rows, *pair)
        predicted = predicted_crossover(rows, *pair)
        r_rnn, r_att = prediction_throughputs(rows, *pair)
        lines.append([_pair_name(*pair),
                      f"{measured:.0f}" if measured is not None else _no_crossing(rows, *pair),
                      f"{predicted:.0f}" if predicted is not None else "n/a (range empty)",
                      f"{predicted / measured:.2f}" if predicted and measured else "-",
                      format_number(r_rnn / 1e9) if r_rnn else "-", format_number(r_att / 1e9) if r_att else "-"])
    out += _table(["pair", "measured", "predicted", "pred/meas", "R_rnn GFLOP/s", "R_att GFLOP/s"], lines)
    return out


# Load beyond the benchmark's own threads above which other work is taken to have competed for the cores.
COMPETING_LOAD = 0.5


def load_note(key, rows):
    """A line on the machine's load during the run (and a warning when other work competed for the CPU)."""
    loads = [row["load_avg_1m"] for row in rows if row.get("load_avg_1m") is not None]
    if not loads:
        return []
    threads = key[2] if isinstance(key[2], int) else 1
    cores = max((row["cores_available"] or 0) for row in rows) or "?"
    lines = [f"1-minute load average during the run: {min(loads):.1f} to {max(loads):.1f} "
             f"({cores} cores available, {threads} used by the benchmark)"]
    if max(loads) > threads + COMPETING_LOAD:
        lines.append("WARNING: other processes competed for the CPU during this run: timings are noisy and "
                     "the peak may be understated; rerun on an idle machine for numbers to report")
    return lines


def section_title(key, rows):
    device, name, threads = key
    versions = sorted({f"torch {r['torch_version']}, numpy {r['numpy_version']}" for r in rows})
    modes = sorted({r["mode"] for r in rows})
    return f"{device}: {name}, {threads} thread(s); {'; '.join(versions)}; mode {'/'.join(modes)}"


def slug(key):
    device, name, threads = key
    return re.sub(r"[^A-Za-z0-9]+", "-", f"{device}-{name}-{threads}threads").strip("-")


def report(paths, out_dir):
    """Print the report of the JSON files `paths`, write report.txt and the figures to out_dir; return the text."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = load_rows(paths)
    lines = [f"seqlab benchmark report: {', '.join(map(str, paths))}"]
    if not rows:
        lines.append("no seqlab benchmarks in these files")
    for key, section_rows in sections(rows).items():
        title = section_title(key, section_rows)
        lines += ["", "=" * len(title), title, "=" * len(title)]
        lines += load_note(key, section_rows)
        pk = peak(section_rows)
        if pk:
            lines.append(f"peak fp32 matmul: {pk[0] / 1e9:.1f} GFLOP/s ({pk[1]}, fastest round, {pk[2]}^3)")
        else:
            lines.append("peak fp32 matmul: not measured in this run (no percent of peak)")
        by_d = {}
        for row in section_rows:
            if row["family"] in ("rnn", "attention"):
                by_d.setdefault(row["d"], []).append(row)
        for d, d_rows in sorted(by_d.items()):
            lines.append("")
            lines += width_report(d_rows, d, pk[0] if pk else None)
        if by_d:
            time_png, speed_png = out_dir / f"{slug(key)}-time.png", out_dir / f"{slug(key)}-speedup.png"
            figures.plot_times(by_d, title, time_png)
            figures.plot_speedups(by_d, title, speed_png)
            lines += ["", f"figures: {time_png}, {speed_png}"]
    text = "\n".join(lines) + "\n"
    (out_dir / "report.txt").write_text(text)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n")[0])
    parser.add_argument("results", nargs="+", help="pytest-benchmark JSON file(s) (--benchmark-json output)")
    parser.add_argument("--out", required=True, help="folder for report.txt and the PNG figures")
    args = parser.parse_args(argv)
    sys.stdout.write(report(args.results, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
