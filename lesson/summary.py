"""Readings of the measured numbers: each section's claim and whether it held, in words computed from the numbers.

Nothing here is fixed text about outcomes: every verdict is a comparison of a measured value with a threshold
written below, and every number quoted comes from the results. Fed other numbers, the readings change (a test
does exactly that). Section 10 of the notebook is conclusion(findings(results)).

The thresholds are the lesson's own wording ("vanished" = below 1e-6 of its value 45 steps earlier, ...); the
tests hold the measurements to their own thresholds, fixed in advance.
"""

from dataclasses import asdict, dataclass

from . import gradient_flow as gf


@dataclass
class Finding:
    section: int
    claim: str
    holds: bool
    text: str


def _pct(x):
    return f"{100 * x:.0f}%"


def order(r):
    same = r["bow_equal"]["0-1"]
    grams_differ = not r["bigram_equal"]["0-1"]
    s1, s2 = r["sentences"][:2]
    return Finding(1, "a bag of words cannot tell two orders of the same words apart", same and grams_differ,
                   f"'{s1}' and '{s2}' have {'the same' if same else 'different'} bags of words, and "
                   f"{'different' if grams_differ else 'the same'} bigram counts; the control sentence "
                   f"'{r['sentences'][3]}' has a {'different' if not r['bow_equal']['0-control'] else 'same'} bag.")


def rnn_forward(r):
    holds = r["max_abs_diff"] < 1e-12
    return Finding(2, "the numpy SimpleRNN computes what torch.nn.RNN computes", holds,
                   f"Over {r['T']} steps the reference and torch.nn.RNN states differ by at most "
                   f"{r['max_abs_diff']:.1e} ({'rounding error' if holds else 'more than rounding error'}); "
                   f"with Whh transposed they differ by {r['control_transposed_max_abs_diff']:.2f}.")


def hidden_states(r):
    margin = r["accuracy"] - r["memoryless_ceiling"]
    holds = margin > 0.05
    return Finding(3, "the trained RNN's hidden state carries memory", holds,
                   f"The trained RNN predicts {_pct(r['accuracy'])} of the next characters; no predictor without "
                   f"memory can exceed {_pct(r['memoryless_ceiling'])}, and the same network with Whh = 0 gets "
                   f"{_pct(r['control_no_recurrence_accuracy'])}. After the three 'l' of 'hello world' it "
                   f"predicts '{r['after_l_predicted']}' (truth '{r['after_l_true']}'): "
                   + ("the same input, different states, different predictions." if holds else
                      "it does not beat the memoryless ceiling, so its state adds nothing measurable."))


def gradient_vanishing(r):
    ratio = gf.ratio(r, "near-linear", 0.5)
    holds = ratio < 1e-6
    rates = ", ".join(f"{gf.rate(r, 'near-linear', rho):.2f}" for rho in r["radii"])
    return Finding(4, "near-linear, rho < 1: the gradient vanishes geometrically", holds,
                   f"With tanh near-linear the per-step factors of ||dh_T/dh_0|| are {rates} for "
                   f"rho = {', '.join(str(x) for x in r['radii'])}; at rho = 0.5 the norm at T = 50 is "
                   f"{ratio:.1e} of the norm at T = 5: {'it vanished' if holds else 'it did not vanish'}.")


def gradient_saturation(r):
    linear = gf.ratio(r, "near-linear", 1.5)
    saturated = gf.ratio(r, "saturating", 1.5)
    holds = linear > 1e3 and saturated < 1
    return Finding(4, "rho > 1 explodes only while tanh is linear; saturation damps it", holds,
                   f"At rho = 1.5, from T = 5 to T = 50 the norm grows by {linear:.1e} with small inputs and "
                   f"changes by {saturated:.1e} with inputs of size 1 (mean tanh' "
                   f"{r['runs']['saturating']['1.5']['mean_tanh_slope']:.2f}): "
                   + ("saturation turned the explosion into vanishing." if holds else
                      "saturation did not stop the growth.")
                   + f" The reference BPTT agrees with the Jacobian product to {r['bptt_vs_jacobian_rel_diff']:.0e}.")


def clipping(r):
    diverged = not (r["final_loss_exploding_unclipped"] < r["initial_loss"])  # nan counts as diverged
    holds = diverged and r["final_loss_exploding_clipped"] < 0.1 * r["initial_loss"]
    return Finding(4, "norm clipping rescues a training run that explodes", holds,
                   f"At lr = {r['lr']} the largest gradient norm was {r['max_grad_norm_unclipped']:.1e}; "
                   f"unclipped, the loss ended at {r['final_loss_exploding_unclipped']:.2f} "
                   f"(start {r['initial_loss']:.2f}); clipped to {r['max_norm']} "
                   f"(on {r['clipped_steps_exploding']} of {r['steps']} steps) it ended at "
                   f"{r['final_loss_exploding_clipped']:.3f}. At lr = {r['control_lr']} both runs end at "
                   f"{r['final_loss_control_unclipped']:.3f} and {r['final_loss_control_clipped']:.3f}"
                   + (": clipping matters when the steps are too large." if holds else
                      ": here clipping made no decisive difference."))


def lstm_gates(r):
    gap = r["forget_gap"]
    holds = gap > 0.2
    f = r["forget_by_token"]
    return Finding(5, "the trained LSTM closes its forget gate where it must forget", holds,
                   f"Accuracy {_pct(r['accuracy'])} on sequences twice the training length. Mean forget gate "
                   f"{f['.']:.2f} at '.' (hold) and {f['x']:.2f} at 'x' (clear): a gap of {gap:.2f}, against "
                   f"{r['control_untrained_forget_gap']:.2f} for the same network untrained"
                   + ("." if holds else ": no gate learned to forget."))


def bottleneck(r):
    n_max, n_min = r["lengths"][-1], r["lengths"][0]
    att, plain = r["accuracy"]["attention"], r["accuracy"]["no_attention"]
    gap_long, gap_short = att[-1] - plain[-1], att[0] - plain[0]
    holds = gap_long > 0.3
    return Finding(6, "without attention, the fixed-size state limits how much can be copied", holds,
                   f"At n = {n_max}: {_pct(att[-1])} with attention, {_pct(plain[-1])} without "
                   f"(chance {_pct(r['chance'])}); at n = {n_min}: {_pct(att[0])} and {_pct(plain[0])}, "
                   f"a gap of {gap_short:+.2f} against {gap_long:+.2f}"
                   + (": the bottleneck bites as n grows." if holds else ": no bottleneck showed."))


def speed(r):
    s = {int(n): v for n, v in r["speedups"].items()}
    n_lo, n_hi = min(s), max(s)
    holds = r["advantage_shrink"] < 0.7
    crossing = (f"the curves cross at n = {r['measured_crossover']:.0f}" if r["measured_crossover"] is not None
                else f"the curves do not cross between n = {n_lo} and {n_hi}")
    predicted = (f"throughputs predict n* = {r['predicted_crossover']:.0f}" if r["predicted_crossover"] is not None
                 else "no prediction")
    faster = "attention" if s[n_hi] > 1 else "the RNN"
    if not holds:
        reading = "The advantage did not shrink on this machine."
    elif r["measured_crossover"] is not None:
        reading = (f"Attention is not always faster on a CPU: past n ~ {r['measured_crossover']:.0f} the RNN is, "
                   f"as the arithmetic says (F_att / F_rnn = n / d).")
    else:
        reading = (f"Attention stayed ahead up to n = {n_hi}, but its lead shrank "
                   f"{1 / r['advantage_shrink']:.1f}-fold, as the arithmetic says (F_att / F_rnn = n / d).")
    return Finding(7, "on a CPU, attention's speed advantage shrinks as n grows past d", holds,
                   f"Attention is {s[n_lo]:.1f}x faster at n = {n_lo} and {s[n_hi]:.2f}x at n = {n_hi} "
                   f"({faster} wins there); {crossing} (d = {r['d']}), {predicted}. " + reading)


def char_rnn(r):
    holds = r["held_out_loss"] < 0.1 * r["unigram_entropy"]
    return Finding(8, "the character RNN learns the text, not just its training sequence", holds,
                   f"Held-out loss {r['held_out_loss']:.1e} nats per character (unigram entropy "
                   f"{r['unigram_entropy']:.2f}); trained on the shuffled text, its training loss fell to "
                   f"{r['control_shuffled_losses'][-1]:.2f} but its held-out loss is "
                   f"{r['control_shuffled_held_out_loss']:.2f}: a low training loss alone proves nothing. "
                   + ("Every sample continues the text without a wrong character."
                      if min(r["sample_agreement"]) == 1 else
                      f"Every sample agrees with the text on at least {_pct(min(r['sample_agreement']))} of its "
                      "characters."))


def long_range(r):
    d_max, d_min = r["distances"][-1], r["distances"][0]
    acc = r["accuracy"]
    gap = acc["attention"][-1] - acc["rnn"][-1]
    holds = gap > 0.5
    reach = {kind: max([d for d, a in zip(r["distances"], values) if a >= 0.9], default=None)
             for kind, values in acc.items()}
    reaches = "; ".join(f"{kind} up to d = {d}" if d is not None else f"{kind} at no distance"
                        for kind, d in reach.items())
    return Finding(9, "self-attention recalls a token d positions back where the RNN cannot", holds,
                   f"Accuracy at least 90%: {reaches}. At d = {d_max}: attention {_pct(acc['attention'][-1])}, "
                   f"RNN {_pct(acc['rnn'][-1])}, LSTM {_pct(acc['lstm'][-1])} (chance {_pct(r['chance'])}); "
                   f"at d = {d_min} the gap is {acc['attention'][0] - acc['rnn'][0]:+.2f}. Trained on shuffled "
                   f"labels, attention scores {_pct(r['control_shuffled_labels_attention'])}.")


READINGS = {
    "order": (order,),
    "rnn_forward": (rnn_forward,),
    "hidden_states": (hidden_states,),
    "gradient_flow": (gradient_vanishing, gradient_saturation),
    "clipping": (clipping,),
    "lstm_gates": (lstm_gates,),
    "bottleneck": (bottleneck,),
    "speed": (speed,),
    "char_rnn": (char_rnn,),
    "long_range": (long_range,),
}


def readings(key, result):
    """The findings of one experiment's result, as dicts."""
    return [asdict(reading(result)) for reading in READINGS[key]]


def findings(results):
    """The findings of every experiment present in results, in section order."""
    return [f for key in READINGS if key in results for f in readings(key, results[key])]


def conclusion(found):
    """Section 10's text, as markdown, from the findings: what held, what did not, and what follows."""
    held = [f for f in found if f["holds"]]
    lines = [f"**{len(held)} of {len(found)} measured claims held on this run.**", ""]
    for f in found:
        lines.append(f"- Section {f['section']}, {f['claim']}: **{'held' if f['holds'] else 'did not hold'}**. "
                     f"{f['text']}")
    by_claim = {f["claim"]: f["holds"] for f in found}
    verdict = {True: "measured here", False: "NOT supported by this run"}
    lines += ["", "What follows, from these numbers only:"]
    points = (
        ("near-linear, rho < 1: the gradient vanishes geometrically",
         "RNN gradients shrink geometrically with distance, so long-range credit assignment is hard"),
        ("self-attention recalls a token d positions back where the RNN cannot",
         "a direct path (attention) reaches distances a recurrent chain did not learn to reach"),
        ("without attention, the fixed-size state limits how much can be copied",
         "a decoder that reads all encoder states avoids the fixed-size bottleneck"),
        ("on a CPU, attention's speed advantage shrinks as n grows past d",
         "on one CPU thread attention is faster only up to a small multiple of n = d: its edge is parallelism, "
         "not less arithmetic"),
    )
    for claim, point in points:
        if claim in by_claim:
            lines.append(f"- {point}: {verdict[by_claim[claim]]}.")
    return "\n".join(lines)
