"""Read pytest-benchmark JSON results and report them: tables on stdout (and DIR/report.txt), PNGs in DIR.

    python -m benchmarks.report RESULTS.json [MORE.json ...] --out DIR

Per section (device, threads): the measured ceilings (fp32 peak, TF32 matmul, copy bandwidth, the cost of one
eager op and of one CUDA-graph kernel; benchmarks.ceilings); then per width d: for each n the median time of
every implementation, the speedups t_rnn / t_att, achieved GFLOP/s and percent of the measured peak; per
implementation the scaling exponents over long and short n and, for the RNNs, the time per step at every n, its
spread (flagged above 20 %) and its size in eager ops and graph kernels (benchmarks.scaling); per RNN/attention
pair the measured and the predicted crossover (benchmarks.crossover). Every sentence is computed from the
timings: the report says what was measured.

Peak = the fastest round of the fastest fp32 matmul of the same run (same device, same threads):
    peak = max over the peak benchmarks of 2 s^3 / t_best

Figures per section: time versus n (with the eager-op floor TORCH_OPS_PER_STEP n t_op where it was measured)
and speedup versus n; and one CPU-versus-GPU figure for each CPU section and GPU section given together.
"""

import argparse
import pathlib
import re
import sys

from benchmarks import figures
from benchmarks.ceilings import ceilings
from benchmarks.crossover import (ATTENTION_THROUGHPUT_MIN_N_PER_D, RNN_THROUGHPUT_MAX_N, implementations,
                                  measured_crossovers, predicted_crossover, prediction_throughputs, speedups,
                                  times)
from benchmarks.load import ceiling_rows, load_rows, section_key, sections
from benchmarks.names import BEST, FAMILIES, PAIRS, TORCH_OPS_PER_STEP
from benchmarks.scaling import (EXPONENT_MIN_N, PER_STEP_SPREAD_LIMIT, SHORT_MAX_N, per_step, per_step_spread,
                                scaling_exponent, short_exponent)


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


def _attention_against_peak(rows, atts, peak_rate):
    """The best attention throughput of the width, as a fraction of the fp32 matmul ceiling."""
    best = max(((row["flops"] / row["seconds"], row["implementation"], row["n"]) for row in rows
                if row["family"] == "attention"), default=None)
    if best is None:
        return []
    rate, name, n = best
    return [f"attention's best: {name} at n = {n}, {format_number(rate / 1e9)} GFLOP/s = "
            f"{format_number(100 * rate / peak_rate, 2)}% of the fp32 matmul ceiling"]


def format_exponent(k):
    """Two decimals, and 0.00 rather than -0.00 for a flat line's rounding."""
    return f"{0.0 if abs(k) < 0.005 else k:.2f}"


def _exponents(t, family, names, fit):
    return {name: fit(t[family, name]) for name in names}


def _exponent_lines(t, rnns, atts):
    """Exponents over long and short n, and the sentence comparing the families over short n."""
    out = []
    for title, fit in ((f"scaling exponent k in t ~ n^k (least squares in log-log over n >= {EXPONENT_MIN_N}):",
                        scaling_exponent),
                       (f"short sequences, k over n <= {SHORT_MAX_N} (near 0: time flat in n, the device not "
                        f"yet full):", short_exponent)):
        out.append(title)
        for family, names in (("rnn", rnns), ("attention", atts)):
            ks = _exponents(t, family, names, fit)
            out.append(f"  {family:9s}: " + ", ".join(f"{name} {format_exponent(k)}" if k is not None else
                                                      f"{name} n/a (< 2 points)" for name, k in ks.items()))
    short = {family: {name: k for name, k in _exponents(t, family, names, short_exponent).items()
                      if k is not None} for family, names in (("rnn", rnns), ("attention", atts))}
    if short["rnn"] and short["attention"]:
        att_name = min(short["attention"], key=short["attention"].get)
        rnn_name = min(short["rnn"], key=short["rnn"].get)
        att_k, rnn_k = format_exponent(short["attention"][att_name]), format_exponent(short["rnn"][rnn_name])
        out.append(f"measured over n <= {SHORT_MAX_N}: attention's time grew as n^{att_k} ({att_name}, the "
                   f"flattest), the RNN's as n^{rnn_k} at the flattest ({rnn_name})")
    return out


def _per_step_lines(rows, t, rnns, ns, ceiling):
    """The RNNs' time per step at every n, its spread over long n (flagged), the page faults and launch costs."""
    if not rnns:
        return []
    steps = {name: per_step(t["rnn", name]) for name in rnns}
    out = ["RNN time per step t / n (each step is the same work)"]
    out += _table(["n"] + rnns, [[n] + [format_seconds(steps[r].get(n)) for r in rnns] for n in ns])
    spreads = {name: per_step_spread(t["rnn", name]) for name in rnns}
    out.append(f"spread over n >= {EXPONENT_MIN_N} (max / min - 1): " + ", ".join(
        f"{name} {100 * v:.0f}%" if v is not None else f"{name} n/a" for name, v in spreads.items()))
    for name, spread in spreads.items():
        if spread is not None and spread > PER_STEP_SPREAD_LIMIT:
            long = [s for n, s in steps[name].items() if n >= EXPONENT_MIN_N]
            out.append(f"WARNING: {name}'s time per step varies by {100 * spread:.0f}% over n >= {EXPONENT_MIN_N} "
                       f"({format_seconds(min(long))} to {format_seconds(max(long))}), more than "
                       f"{100 * PER_STEP_SPREAD_LIMIT:.0f}%, although its work per step is fixed: read the load, "
                       f"the page faults below, and docs/benchmarks.md, \"The per-step anomaly\"")
    faults = [(row["page_faults_per_call"], row["implementation"], row["n"]) for row in rows
              if row["family"] == "rnn" and row.get("page_faults_per_call") is not None]
    if faults:
        most, name, n = max(faults)
        out.append("page faults per call in the timed rounds: " + (
            f"at most {most:.0f} ({name}, n = {n})" if most else "0 in every RNN case"))
    longest = max(ns)
    costs = [(label, seconds) for label, seconds in (("eager op", ceiling.eager_op_s),
                                                    ("graph kernel", ceiling.graph_kernel_s)) if seconds]
    if costs:
        out.append(f"time per step at n = {longest} in units of the measured launch costs (" + ", ".join(
            f"one {label} {format_seconds(seconds)}" for label, seconds in costs)
                   + f"; the torch loop issues {TORCH_OPS_PER_STEP} torch ops a step):")
        for name in rnns:
            step = steps[name].get(longest)
            if step is not None:
                out.append(f"  {name} {format_seconds(step)} = " + " = ".join(
                    f"{step / seconds:.3g} {label}s" for label, seconds in costs))
    return out


def width_report(rows, d, peak_rate, ceiling=None):
    """Lines for one width d of one section; ceiling: the section's benchmarks.ceilings.Ceilings, if any."""
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

    if peak_rate:
        out += _attention_against_peak(rows, atts, peak_rate)

    out.append("")
    out += _exponent_lines(t, rnns, atts)
    out.append("")
    out += _per_step_lines(rows, t, rnns, ns, ceiling or ceilings([]))

    out.append("")
    out.append(f"crossover n* (t_rnn = t_att): measured = log-log interpolation between bracketing n, every "
               f"crossing; predicted = d R_att / R_rnn, R_rnn from n <= {RNN_THROUGHPUT_MAX_N}, R_att from n >= "
               f"{ATTENTION_THROUGHPUT_MIN_N_PER_D}d = {ATTENTION_THROUGHPUT_MIN_N_PER_D * d}; pred/meas against the "
               f"last crossing, where attention's n^2 work catches up")
    lines = []
    for pair in pairs:
        measured = measured_crossovers(rows, *pair)
        predicted = predicted_crossover(rows, *pair)
        r_rnn, r_att = prediction_throughputs(rows, *pair)
        lines.append([_pair_name(*pair),
                      ", ".join(f"{m:.0f}" for m in measured) if measured else _no_crossing(rows, *pair),
                      f"{predicted:.0f}" if predicted is not None else "n/a (range empty)",
                      f"{predicted / measured[-1]:.2f}" if predicted and measured else "-",
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


def ceiling_lines(ceiling, peak_rate, peak_err):
    """The section's ceilings besides the fp32 peak, as measured (benchmarks.ceilings)."""
    out = []
    if ceiling.tf32_flops_per_s:
        line = f"TF32 matmul (same operands): {ceiling.tf32_flops_per_s / 1e9:.1f} GFLOP/s"
        if peak_rate:
            line += f" = {ceiling.tf32_flops_per_s / peak_rate:.2f}x fp32"
        if peak_err is not None and ceiling.tf32_check_err is not None:
            took = "TF32 took effect" if ceiling.tf32_check_err > TF32_EFFECT_ERR_RATIO * peak_err else \
                "TF32 had no effect on this device"
            line += f"; max error {ceiling.tf32_check_err:.2g} against fp32's {peak_err:.2g}: {took}"
        out.append(line)
    if ceiling.copy_bytes_per_s:
        out.append(f"copy bandwidth: {ceiling.copy_bytes_per_s / 1e9:.1f} GB/s (bytes read + written, "
                   f"{ceiling.copy_mib} MiB copied, fastest round)")
    costs = [f"one eager torch op {format_seconds(ceiling.eager_op_s)}" if ceiling.eager_op_s else None,
             f"one CUDA-graph kernel {format_seconds(ceiling.graph_kernel_s)}" if ceiling.graph_kernel_s else None]
    costs = [c for c in costs if c]
    if costs:
        out.append("launch cost (tiny x.add_ ops, median): " + ", ".join(costs))
    return out


# A TF32 product is off by ~100x more than an fp32 one (benchmarks/check.py); 10x says TF32 was used.
TF32_EFFECT_ERR_RATIO = 10


def section_title(key, rows):
    device, name, threads = key
    versions = sorted({f"torch {r['torch_version']}, numpy {r['numpy_version']}" for r in rows})
    modes = sorted({r["mode"] for r in rows})
    return f"{device}: {name}, {threads} thread(s); {'; '.join(versions)}; mode {'/'.join(modes)}"


def slug(key):
    device, name, threads = key
    return re.sub(r"[^A-Za-z0-9]+", "-", f"{device}-{name}-{threads}threads").strip("-")


def _peak_err(rows, pk):
    """The check error of the peak case that set the peak (the TF32 comparison's baseline), or None."""
    if not pk:
        return None
    errs = [row["check_max_abs_err"] for row in rows if row["family"] == "peak" and row["implementation"] == pk[1]]
    return errs[0] if errs else None


def _by_width(rows):
    by_d = {}
    for row in rows:
        if row["family"] in ("rnn", "attention"):
            by_d.setdefault(row["d"], []).append(row)
    return dict(sorted(by_d.items()))


def report(paths, out_dir):
    """Print the report of the JSON files `paths`, write report.txt and the figures to out_dir; return the text.

    The text names the input files and the figures without their folders, so a report written on one machine
    reads the same when committed from another."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = load_rows(paths)
    ceilings_by_section = {}
    for row in ceiling_rows(paths):
        ceilings_by_section.setdefault(section_key(row), []).append(row)
    lines = [f"seqlab benchmark report: {', '.join(pathlib.Path(p).name for p in paths)}"]
    if not rows:
        lines.append("no seqlab benchmarks in these files")
    drawn = {}
    for key, section_rows in sections(rows).items():
        title = section_title(key, section_rows)
        lines += ["", "=" * len(title), title, "=" * len(title)]
        lines += load_note(key, section_rows)
        allocators = sorted({row["allocator"] for row in section_rows if row.get("allocator")})
        if allocators:
            lines.append(f"memory: {'; '.join(allocators)}")
        pk = peak(section_rows)
        if pk:
            lines.append(f"peak fp32 matmul: {pk[0] / 1e9:.1f} GFLOP/s ({pk[1]}, fastest round, {pk[2]}^3)")
        else:
            lines.append("peak fp32 matmul: not measured in this run (no percent of peak)")
        ceiling = ceilings(ceilings_by_section.get(key, []))
        lines += ceiling_lines(ceiling, pk[0] if pk else None, _peak_err(section_rows, pk))
        by_d = _by_width(section_rows)
        for d, d_rows in by_d.items():
            lines.append("")
            lines += width_report(d_rows, d, pk[0] if pk else None, ceiling)
        if by_d:
            time_png, speed_png = out_dir / f"{slug(key)}-time.png", out_dir / f"{slug(key)}-speedup.png"
            figures.plot_times(by_d, title, time_png, ceiling.eager_op_s)
            figures.plot_speedups(by_d, title, speed_png)
            lines += ["", f"figures: {time_png.name}, {speed_png.name}"]
            drawn[key] = (title, by_d)
    for cpu_key, gpu_key in _device_pairs(drawn):
        png = out_dir / f"{slug(cpu_key)}-vs-{slug(gpu_key)}.png"
        figures.plot_devices(drawn[cpu_key], drawn[gpu_key], png)
        lines += ["", f"CPU versus GPU, fastest RNN and fastest attention of each: {png.name}"]
    text = "\n".join(lines) + "\n"
    (out_dir / "report.txt").write_text(text)
    return text


def _device_pairs(drawn):
    """(CPU section, GPU section) pairs that share a width d: one CPU-versus-GPU figure each."""
    return [(c, g) for c in drawn for g in drawn
            if c[0] == "cpu" and g[0] == "cuda" and set(drawn[c][1]) & set(drawn[g][1])]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n")[0])
    parser.add_argument("results", nargs="+", help="pytest-benchmark JSON file(s) (--benchmark-json output)")
    parser.add_argument("--out", required=True, help="folder for report.txt and the PNG figures")
    args = parser.parse_args(argv)
    sys.stdout.write(report(args.results, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
