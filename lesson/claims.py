"""Every claim of the lesson, defined once: its statement, the quantity measured, the threshold, the negative control.

The notebook announces a section's claims with announce(key) before it measures (the thresholds in its text come
from here), reports each verdict with the control beside it (verdicts(key, runs)), lesson/summary.py words its
findings from the same objects, and the tests (tests/test_lesson_*.py) judge fresh and committed measurements with
failures(). Change a threshold here and all four follow.

A claim is judged on every seed of a run: on each, the measured quantity must pass the threshold AND the control
(the same quantity where the effect should be absent) must not. A check that its control also passes proves
nothing. `runs` below is {seed label: one experiment's result} for one experiment.

Thresholds are set from what the mathematics or the experiment's design needs, never fitted to one run: each
claim's `why` says where its number comes from.
"""

import math
import operator
from dataclasses import dataclass
from typing import Callable

from . import gradient_flow as gf

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "is": operator.is_}


@dataclass(frozen=True)
class Claim:
    id: str  # stable name, "<experiment>.<what>"
    section: int
    statement: str  # the claim in words; {threshold} is replaced by the threshold
    quantity: str  # what `measured` returns, in words
    measured: Callable[[dict], float]
    control_statement: str  # where the effect should be absent
    control: Callable[[dict], float]
    op: str  # how the quantity is compared with the threshold: ">", ">=", "<" or "is"
    threshold: object
    why: str  # why this threshold
    percent: bool = False  # show quantity and threshold as percentages

    @property
    def key(self):
        """The experiment whose result the claim reads."""
        return self.id.split(".")[0]

    def passes(self, value):
        return bool(OPS[self.op](value, self.threshold)) if value is not None else False

    def show(self, value):
        if isinstance(value, bool) or value is None:
            return str(value)
        if self.percent:
            return f"{100 * value:.0f}%"
        if value != 0 and math.isfinite(value) and not 1e-3 <= abs(value) < 1e4:
            return f"{value:.1e}"
        return f"{value:.4g}"

    def test(self):
        """The comparison in symbols, e.g. '> 0.2'."""
        return f"{self.op} {self.show(self.threshold)}"

    def text(self):
        return self.statement.format(threshold=self.show(self.threshold))


def _diverged_worse(a, b):
    """a - b, a diverged (nan/inf) a counting as infinitely worse."""
    return math.inf if not math.isfinite(a) else a - b


def _rate_error(regime, predicted, linear_only=False):
    """Largest |measured per-step factor / predicted - 1| over the radii of a regime (of its near-linear runs)."""
    def error(r):
        runs = r["runs"][regime]
        radii = [rho for rho in r["radii"] if not linear_only or runs[str(rho)]["max_abs_h"] < gf.LINEAR_MAX_H]
        return max(abs(gf.rate(r, regime, rho) / predicted(runs[str(rho)], rho) - 1) for rho in radii)
    return error


def _rms_slope_law(run, rho):
    return rho * run["rms_tanh_slope"]


def _rho_law(run, rho):
    return rho


def _bottleneck(model, n, H):
    return lambda r: r["accuracy"][model][str(H)][r["lengths"].index(n)]


def _bucket(r, kind, index):
    return r["final_accuracy"][kind][index]


CLAIMS = {c.id: c for c in (
    Claim("order.bag_equal", 1,
          "'The cat chased the mouse' and 'The mouse chased the cat' have equal bags of words",
          "bag of sentence 1 == bag of sentence 2", lambda r: r["bow_equal"]["0-1"],
          "'The dog chased the mouse' compared with sentence 1", lambda r: r["bow_equal"]["0-control"],
          "is", True, "a yes/no fact: equality of two count vectors"),
    Claim("order.bigrams_differ", 1,
          "the same two sentences have different bigram counts",
          "bigrams of sentence 1 != bigrams of sentence 2", lambda r: not r["bigram_equal"]["0-1"],
          "the bags of words of the same two sentences", lambda r: not r["bow_equal"]["0-1"],
          "is", True, "a yes/no fact: inequality of two count vectors"),
    Claim("rnn_forward.matches_torch", 2,
          "the numpy SimpleRNN and torch.nn.RNN give the same states, to {threshold} (float64)",
          "max |h_numpy - h_torch|", lambda r: r["max_abs_diff"],
          "torch given Whh transposed", lambda r: r["control_transposed_max_abs_diff"],
          "<", 1e-12, "5 steps of float64 products of size 4 and tanh: rounding is ~1e-16 per operation"),
    Claim("hidden_states.beats_memoryless", 3,
          "the trained RNN's next-character accuracy beats the memoryless ceiling by more than {threshold} "
          "(accuracy from 0 to 1)",
          "accuracy - memoryless ceiling", lambda r: r["accuracy"] - r["memoryless_ceiling"],
          "the same network with Whh = 0", lambda r: r["control_no_recurrence_accuracy"] - r["memoryless_ceiling"],
          ">", 0.2, "the ceiling is 0.7; 0.2 is more than half of what memory can add (0.3)"),
    Claim("gradient_flow.vanishes", 4,
          "near-linear, rho = 0.5: ||dh_50/dh_0|| is below {threshold} of ||dh_5/dh_0||",
          "||dh_50/dh_0|| / ||dh_5/dh_0||, near-linear, rho = 0.5", lambda r: gf.ratio(r, "near-linear", 0.5),
          "the same ratio at rho = 1.5", lambda r: gf.ratio(r, "near-linear", 1.5),
          "<", 1e-6, "0.5^45 = 2.8e-14: a geometric decay passes with eight orders of magnitude to spare"),
    Claim("gradient_flow.linear_rate", 4,
          "near-linear, the per-step factor (||dh_50/dh_0|| / ||dh_5/dh_0||)^(1/45) is rho within {threshold} "
          "(relative), for every rho whose states stayed small",
          "max |factor / rho - 1| over the near-linear runs",
          _rate_error("near-linear", _rho_law, linear_only=True),
          "the same law on the saturating runs", _rate_error("saturating", _rho_law),
          "<", 0.05, "for a random 32 x 32 matrix ||W^k|| / rho^k still carries a polynomial factor; 5% covers it"),
    Claim("gradient_flow.linear_explodes", 4,
          "near-linear, rho = 1.5: the norm grows more than {threshold}-fold from T = 5 to T = 50",
          "||dh_50/dh_0|| / ||dh_5/dh_0||, near-linear, rho = 1.5", lambda r: gf.ratio(r, "near-linear", 1.5),
          "the same ratio with inputs of size 1", lambda r: gf.ratio(r, "saturating", 1.5),
          ">", 1e3, "1.5^45 = 8e7: growth passes with four orders of magnitude to spare"),
    Claim("gradient_flow.saturated_rate", 4,
          "with inputs of size 1 (saturating), the per-step factor is rho * rms(tanh') within {threshold} "
          "(relative), for every rho",
          "max |factor / (rho * sqrt(<tanh'^2>)) - 1| over the saturating runs",
          _rate_error("saturating", _rms_slope_law),
          "the near-linear law, factor = rho, on the same runs", _rate_error("saturating", _rho_law),
          "<", 0.2, "rho * rms(tanh') is a mean-field estimate (it ignores that saturated units and large "
          "components coincide); it is off by up to about 15% here"),
    Claim("gradient_flow.saturated_explodes", 4,
          "saturation does not always save the gradient: with inputs of size 1, at rho = 3 the per-step factor "
          "is above {threshold}",
          "per-step factor, saturating, rho = 3", lambda r: gf.rate(r, "saturating", 3.0),
          "the same at rho = 1.5", lambda r: gf.rate(r, "saturating", 1.5),
          ">", 1.0, "1 separates growth from decay"),
    Claim("gradient_flow.bptt_matches", 4,
          "the numpy BPTT (SimpleRNN.backward) equals the Jacobian product to {threshold} (relative)",
          "max relative difference of dL/dh_0 computed both ways", lambda r: r["bptt_vs_jacobian_rel_diff"],
          "the Jacobian product without the tanh' factor", lambda r: r["control_no_tanh_rel_diff"],
          "<", 1e-8, "50 float64 steps: rounding grows to ~1e-14; 1e-8 still rejects any missing factor"),
    Claim("bptt.gradient_check", 4,
          "the BPTT gradient dL/dWhh = sum_t da_t h_(t-1)^T equals central finite differences to {threshold} "
          "(relative)",
          "||dWhh_bptt - dWhh_numeric|| / ||dWhh_numeric||", lambda r: r["rel_error"],
          "only the last term of the sum (t = T)", lambda r: r["control_last_term_rel_error"],
          "<", 1e-7, "central differences with eps = 1e-5: truncation ~eps^2 = 1e-10, rounding ~1e-16 / eps = 1e-11"),
    Claim("clipping.rescues", 4,
          "at the large learning rate, norm clipping lowers the final loss by more than {threshold} nat",
          "final loss unclipped - clipped, large lr",
          lambda r: _diverged_worse(r["final_loss_exploding_unclipped"], r["final_loss_exploding_clipped"]),
          "the same difference at the small learning rate",
          lambda r: _diverged_worse(r["final_loss_control_unclipped"], r["final_loss_control_clipped"]),
          ">", 1.0, "the initial loss is ln 9 = 2.2 nats: a 1-nat difference is half of it"),
    Claim("clipping.converges", 4,
          "clipped at the large learning rate, the run ends below {threshold} of its initial loss",
          "final loss / initial loss, clipped, large lr",
          lambda r: r["final_loss_exploding_clipped"] / r["initial_loss"],
          "the unclipped run at the same learning rate",
          lambda r: r["final_loss_exploding_unclipped"] / r["initial_loss"],
          "<", 0.1, "a run that learnt the text loses less than a tenth of what a uniform guess loses"),
    Claim("lstm_gates.hold_vs_change", 5,
          "the trained forget gate is higher on '.' (hold) than on every token that changes the memory "
          "('A', 'B', 'x'), by more than {threshold}",
          "f('.') - max(f('A'), f('B'), f('x'))", lambda r: r["hold_vs_change_gap"],
          "the same network before training", lambda r: r["control_untrained_hold_vs_change_gap"],
          ">", 0.2, "a sigmoid gate spans 0 to 1: 0.2 is a fifth of its range, far above the untrained spread"),
    Claim("bottleneck.attention_small_state", 6,
          "at n = 8 and H = 16, attention's per-token copy accuracy beats the plain encoder-decoder's by more than "
          "{threshold}",
          "accuracy with attention - without, n = 8, H = 16",
          lambda r: _bottleneck("attention", 8, 16)(r) - _bottleneck("no_attention", 8, 16)(r),
          "the same gap at n = 2 (nothing to compress)",
          lambda r: _bottleneck("attention", 2, 16)(r) - _bottleneck("no_attention", 2, 16)(r),
          ">", 0.2, "0.2 of per-token accuracy is 1.6 of the 8 tokens"),
    Claim("bottleneck.plain_needs_width", 6,
          "without attention, accuracy at n = 8 rises by more than {threshold} from H = 4 to H = 32",
          "accuracy without attention, n = 8: H = 32 - H = 4",
          lambda r: _bottleneck("no_attention", 8, 32)(r) - _bottleneck("no_attention", 8, 4)(r),
          "the same difference at n = 2",
          lambda r: _bottleneck("no_attention", 2, 32)(r) - _bottleneck("no_attention", 2, 4)(r),
          ">", 0.2, "as above: 1.6 of the 8 tokens"),
    Claim("speed.advantage_shrinks", 7,
          "on one CPU thread, the speedup t_rnn / t_att (bare attention) at the largest n is below {threshold} "
          "of the speedup at the smallest n",
          "s(n_max) / s(n_min)", lambda r: r["advantage_shrink"],
          "the same ratio with the two families swapped", lambda r: r["control_swapped_advantage_shrink"],
          "<", 0.7, "F_att / F_rnn grows 64-fold over the grid; timing noise on a shared machine is within 2x"),
    Claim("char_rnn.beats_bigram", 8,
          "on an unseen passage, the character RNN's loss is below the bigram model's by more than {threshold} "
          "nats per character",
          "bigram loss - RNN loss, unseen passage", lambda r: r["bigram_loss"] - r["held_out_loss"],
          "the same model trained on the characters shuffled",
          lambda r: r["bigram_loss"] - r["control_shuffled_held_out_loss"],
          ">", 0.2, "0.2 nats per character is 0.3 bits: more than a tenth of what context gains here over "
                    "unigrams"),
    Claim("long_range.attention_everywhere", 9,
          "after training, attention recalls the marked token at least {threshold} of the time at every distance",
          "lowest accuracy over the distance buckets, attention",
          lambda r: min(r["final_accuracy"]["attention"]),
          "attention trained on shuffled labels", lambda r: min(r["control_shuffled_labels_accuracy"]),
          ">=", 0.95, "1 error in 20: the task is exact (one token to copy), so a solved model is near 100%",
          percent=True),
    Claim("long_range.rnn_far_gap", 9,
          "after the same budget, attention's accuracy beats the plain RNN's by more than {threshold} at the farthest "
          "distances",
          "accuracy attention - RNN, farthest bucket",
          lambda r: _bucket(r, "attention", -1) - _bucket(r, "rnn", -1),
          "the same gap at the nearest distances (d = 1, 2)",
          lambda r: _bucket(r, "attention", 0) - _bucket(r, "rnn", 0),
          ">", 0.4, "chance is 0.125: 0.4 is most of the range between chance and solved"),
)}


def for_experiment(key):
    """The claims that read the given experiment's result, in order."""
    return [c for c in CLAIMS.values() if c.key == key]


def judge(claim, runs):
    """Per seed: measured, control, and whether the measurement passes and the control fails."""
    rows = []
    for seed, result in runs.items():
        measured, control = claim.measured(result), claim.control(result)
        rows.append({"seed": seed, "measured": measured, "control": control,
                     "measured_passes": claim.passes(measured), "control_fails": not claim.passes(control)})
    return rows


def holds(claim, runs):
    return all(row["measured_passes"] and row["control_fails"] for row in judge(claim, runs))


def failures(results, keys=None):
    """A message for every claim (of the given experiments) whose measurement fails or whose control passes.

    results: {experiment: {seed: result}}.
    """
    messages = []
    for claim in CLAIMS.values():
        if keys is not None and claim.key not in keys:
            continue
        for row in judge(claim, results[claim.key]):
            if not row["measured_passes"]:
                messages.append(f"{claim.id} (seed {row['seed']}): {claim.text()}: measured {row['measured']!r}")
            if not row["control_fails"]:
                messages.append(f"{claim.id} (seed {row['seed']}): {claim.text()}: the negative control passed "
                                f"too ({row['control']!r})")
    return messages


def announce(key):
    """Markdown stating a section's claims, thresholds and controls, before anything is measured."""
    lines = []
    for c in for_experiment(key):
        lines.append(f"**Claim.** {c.text()}. *Measured:* {c.quantity} ({c.test()}). "
                     f"**Control:** {c.control_statement}, which must fail the same test.")
    return "\n\n".join(lines)


def _cell(text):
    return text.replace("|", r"\|")  # a bare | would end the markdown table cell


def verdict_table(key, runs):
    """Markdown: each claim with every seed's measurement and, beside it, its control."""
    lines = []
    for c in for_experiment(key):
        rows = judge(c, runs)
        verdict = "held" if holds(c, runs) else "did NOT hold"
        lines += [f"**{c.text()}: {verdict}.**", "",
                  f"| seed | measured: {_cell(c.quantity)} | test {c.test()} | control: {_cell(c.control_statement)} "
                  "| control |",
                  "|---|---|---|---|---|"]
        for row in rows:
            lines.append(f"| {row['seed']} | {c.show(row['measured'])} | "
                         f"{'passes' if row['measured_passes'] else 'FAILS'} | {c.show(row['control'])} | "
                         f"{'fails, as it must' if row['control_fails'] else 'PASSES TOO: the check proves nothing'} |")
        lines.append("")
    return "\n".join(lines)
