"""Readings of the measured numbers: each claim's verdict, and the numbers around it, in words.

Verdicts come from lesson/claims.py (the one definition of each claim, its threshold and its control); this module
only words them, with the numbers of the run. Fed other numbers, the readings change (a test does exactly that).
Section 10 of the notebook is conclusion(findings(results)).

results: {experiment: {seed: result}}; a reading quotes the first seed's numbers and the range over the seeds.
"""

from dataclasses import asdict, dataclass

from . import claims
from . import gradient_flow as gf


@dataclass
class Finding:
    id: str
    section: int
    claim: str
    holds: bool
    text: str


def _pct(x):
    return f"{100 * x:.0f}%"


def _over(runs, quantity, fmt=_pct):
    """quantity(result) for every seed, as 'a, b, c'."""
    return ", ".join(fmt(quantity(r)) for r in runs.values())


def _first(runs):
    return next(iter(runs.values()))


def order(runs):
    r = _first(runs)
    return (f"Bags of words: '{r['sentences'][0]}' and '{r['sentences'][1]}' "
            f"{'collide' if r['bow_equal']['0-1'] else 'differ'}; bigram counts "
            f"{'collide' if r['bigram_equal']['0-1'] else 'differ'}.")


def rnn_forward(runs):
    diff = _over(runs, lambda r: r["max_abs_diff"], "{:.1e}".format)
    slipped = _over(runs, lambda r: r["control_transposed_max_abs_diff"], "{:.2f}".format)
    return f"Largest difference from torch.nn.RNN per seed: {diff}; with Whh transposed: {slipped}."


def hidden_states(runs):
    r = _first(runs)
    return (f"Next-character accuracy {_over(runs, lambda r: r['accuracy'])} (seeds {', '.join(runs)}); the "
            f"memoryless ceiling is {_pct(r['memoryless_ceiling'])} and the network with Whh = 0 gets "
            f"{_over(runs, lambda r: r['control_no_recurrence_accuracy'])}. After the three 'l' of 'hello world' the "
            f"first seed's network predicts '{r['after_l_predicted']}' (truth '{r['after_l_true']}'): the same "
            "input, different states.")


def gradient_flow(runs):
    r = _first(runs)
    linear = ", ".join(f"{gf.rate(r, 'near-linear', rho):.2f}" for rho in r["radii"])
    saturating = ", ".join(f"{gf.rate(r, 'saturating', rho):.2f} (rho * rms tanh' "
                           f"{rho * r['runs']['saturating'][str(rho)]['rms_tanh_slope']:.2f})" for rho in r["radii"])
    growing = [rho for rho in r["radii"] if gf.rate(r, "saturating", rho) > 1]
    return (f"Per-step factors, first seed, rho = {', '.join(str(x) for x in r['radii'])}: near-linear {linear}; "
            f"saturating {saturating}. With inputs of size 1 the states reach max |h| = "
            f"{min(run['max_abs_h'] for run in r['runs']['saturating'].values()):.2f} or more at every rho, and the "
            "gradient still grows " + (f"from rho = {growing[0]} on." if growing else "at no rho measured."))


def bptt(runs):
    error = _over(runs, lambda r: r["rel_error"], "{:.0e}".format)
    last = _over(runs, lambda r: r["control_last_term_rel_error"], "{:.2f}".format)
    return (f"Relative error of BPTT against finite differences, per seed: {error}; keeping only the last step's "
            f"term: {last}.")


def clipping(runs):
    r = _first(runs)
    return (f"First seed, lr = {r['lr']}: the largest gradient norm was {r['max_grad_norm_unclipped']:.1e}; unclipped "
            f"the loss ended at {r['final_loss_exploding_unclipped']:.2f} (start {r['initial_loss']:.2f}); clipped to "
            f"{r['max_norm']} (on {r['clipped_steps_exploding']} of {r['steps']} steps) at "
            f"{r['final_loss_exploding_clipped']:.3f}. At lr = {r['control_lr']} the two runs end at "
            f"{r['final_loss_control_unclipped']:.3f} and {r['final_loss_control_clipped']:.3f}.")


def lstm_gates(runs):
    r = _first(runs)
    f = r["forget_by_token"]
    return (f"Accuracy on sequences twice the training length: {_over(runs, lambda r: r['accuracy'])}. First seed's "
            f"mean forget gate per token: {', '.join(f'{t!r} {v:.2f}' for t, v in f.items())} (untrained: "
            f"{', '.join(f'{t!r} {v:.2f}' for t, v in r['control_untrained_forget_by_token'].items())}).")


def bottleneck(runs):
    r = _first(runs)
    widths = r["widths"]
    longest = len(r["lengths"]) - 1
    rows = "; ".join(f"{name.replace('_', ' ')} " + ", ".join(
        f"H = {H}: {_pct(r['accuracy'][name][str(H)][longest])}" for H in widths) for name in r["accuracy"])
    stalled = max(r["plateau"]["no_attention"].values())
    return (f"First seed, n = {r['lengths'][longest]} (chance {_pct(r['chance'])}): {rows}. Over the last fifth of "
            f"its {r['steps']} steps the loss without attention fell by at most {_pct(stalled)} (0% = converged).")


def speed(runs):
    r = _first(runs)
    s = {int(n): v for n, v in r["speedups"].items()}
    n_lo, n_hi = min(s), max(s)
    crossing = (f"the curves cross at n = {r['measured_crossover']:.0f}" if r["measured_crossover"] is not None
                else f"the curves do not cross between n = {n_lo} and {n_hi}")
    predicted = (f"throughputs fitted without n = {', '.join(str(n) for n in r['fit_excludes'])} predict "
                 f"n* = {r['predicted_crossover']:.0f}" if r["predicted_crossover"] is not None else "no prediction")
    return (f"Bare attention is {s[n_lo]:.1f}x faster than the RNN at n = {n_lo} and {s[n_hi]:.2f}x at n = {n_hi}; "
            f"{crossing} (d = {r['d']}); {predicted}. With its Q, K, V and output projections a layer would do "
            f"{2 + n_lo / r['d']:.1f} to {2 + n_hi / r['d']:.0f} times the RNN's arithmetic. These are CPU numbers "
            "only: no GPU measurement exists yet.")


def char_rnn(runs):
    r = _first(runs)
    return (f"On the unseen passage ({r['test_characters']} characters): RNN "
            f"{_over(runs, lambda r: r['held_out_loss'], '{:.2f}'.format)} nats per character (seeds "
            f"{', '.join(runs)}), bigram {r['bigram_loss']:.2f}, unigram {r['unigram_loss']:.2f}; its training loss "
            f"ended at {r['losses'][-1]:.2f}, the gap being what it memorised. Trained on shuffled characters: "
            f"{_over(runs, lambda r: r['control_shuffled_held_out_loss'], '{:.2f}'.format)}, no better than "
            f"unigrams. First seed's sample: {r['sample']!r}.")


def long_range(runs):
    r = _first(runs)
    far = f"{r['buckets'][-1][0]}-{r['buckets'][-1][1]}"
    finals = "; ".join(f"{kind} {_over(runs, lambda x, k=kind: x['final_accuracy'][k][-1])}"
                       for kind in r["final_accuracy"])
    reach = []
    for kind, curve in r["curves"].items():
        steps = [s for s, acc in zip(r["eval_steps"], curve) if acc[-1] >= 0.9]
        reach.append(f"{kind} after {steps[0]} steps" if steps else f"{kind} not within {r['eval_steps'][-1]} steps")
    params = ", ".join(f"{kind} {n}" for kind, n in r["parameters"].items())
    return (f"At distances {far}, after {r['eval_steps'][-1]} steps, per seed: {finals} (chance {_pct(r['chance'])}). "
            f"First seed, 90% at distances {far} reached by: {'; '.join(reach)}. Parameters: {params}.")


DESCRIBE = {
    "order": order, "rnn_forward": rnn_forward, "hidden_states": hidden_states, "gradient_flow": gradient_flow,
    "bptt": bptt, "clipping": clipping, "lstm_gates": lstm_gates, "bottleneck": bottleneck, "speed": speed,
    "char_rnn": char_rnn, "long_range": long_range,
}


def _verdict_words(claim, runs):
    rows = claims.judge(claim, runs)
    measured = ", ".join(claim.show(row["measured"]) for row in rows)
    control = ", ".join(claim.show(row["control"]) for row in rows)
    controls_fail = all(row["control_fails"] for row in rows)
    return (f"{claim.quantity}: {measured} (test {claim.test()}); control, {claim.control_statement}: {control}"
            + (" (fails, as it must)." if controls_fail else " (PASSES TOO: the check proves nothing)."))


def readings(key, runs):
    """The findings of one experiment's runs ({seed: result}), as dicts, one per claim."""
    return [asdict(Finding(c.id, c.section, c.text(), claims.holds(c, runs), _verdict_words(c, runs)))
            for c in claims.for_experiment(key)]


def reading(key, runs):
    """Markdown: what the numbers of one experiment say, beside its verdict table."""
    return DESCRIBE[key](runs)


def findings(results):
    """The findings of every claim whose experiment is present in results, in section order."""
    present = [key for key in DESCRIBE if key in results]
    found = [f for key in present for f in readings(key, results[key])]
    return sorted(found, key=lambda f: f["section"])


# What the lesson concludes from a claim, in the order the conclusion lists them.
POINTS = (
    ("gradient_flow.vanishes",
     "RNN gradients shrink geometrically with distance when the per-step factor rho * tanh' is below 1, so "
     "long-range credit assignment is hard"),
    ("long_range.rnn_far_gap",
     "a direct path (attention) reaches distances that a plain recurrent chain did not learn to reach in the same "
     "budget"),
    ("bottleneck.plain_needs_width",
     "without attention the state size limits what an encoder-decoder can pass on; with attention it matters far "
     "less"),
    ("speed.advantage_shrinks",
     "on one CPU thread bare attention is faster than an RNN only up to a small multiple of n = d (a layer with "
     "its projections does more arithmetic than an RNN at every n; no GPU was measured)"),
)


def conclusion(found):
    """Section 10's text, as markdown, from the findings: what held, what did not, and what follows."""
    held = [f for f in found if f["holds"]]
    lines = [f"**{len(held)} of {len(found)} measured claims held on this run.**", ""]
    for f in found:
        lines.append(f"- Section {f['section']}, {f['claim']}: **{'held' if f['holds'] else 'did not hold'}**.")
    by_id = {f["id"]: f["holds"] for f in found}
    verdict = {True: "measured here", False: "NOT supported by this run"}
    lines += ["", "What follows, from these numbers only:"]
    for claim_id, point in POINTS:
        if claim_id in by_id:
            lines.append(f"- {point}: {verdict[by_id[claim_id]]}.")
    return "\n".join(lines)
