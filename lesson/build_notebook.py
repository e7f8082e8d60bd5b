"""Build lesson/rnns_to_attention.ipynb, the lesson notebook, from the cells below.

    python -m lesson.build_notebook           # (re)write the notebook
    python -m lesson.build_notebook --check   # exit 1 if the committed notebook differs from what this builds

The notebook is generated, never edited by hand: its text lives here, its computations in the lesson modules.
It is committed without outputs; executing it (lesson/run.py, or Jupyter) writes figures and measurements to
$SEQLAB_LESSON_OUT (default lesson/output) for the seed $SEQLAB_LESSON_SEED (default 0).
"""

import argparse
import sys
from pathlib import Path

import nbformat

NOTEBOOK = Path(__file__).resolve().parent / "rnns_to_attention.ipynb"

INTRO = r"""
# From RNNs to attention, measured

Why did attention replace recurrent networks? This notebook answers with measurements, not pictures: every
figure below is computed by the code above it, on data you can regenerate, and every sentence that reports an
outcome is written by `lesson/summary.py` from the numbers just measured.

Each section follows the same pattern:
1. the mathematics of the idea;
2. a **claim**, stated before the measurement, with the threshold it must meet;
3. a **negative control**: the same check on a case where it should fail, so that a passing check means something;
4. the figure and the reading, computed.

Practicalities. Everything is seeded (`SEQLAB_LESSON_SEED`, default 0) and runs on one CPU thread. Each section
has a budget of CPU seconds; the whole notebook takes one to two minutes on a laptop core and must stay under 5. Figures
and a table of every measured number are written to `lesson/output/` (or `SEQLAB_LESSON_OUT`). The heavy lifting
lives in small modules under `lesson/`, one per experiment: read them next to this notebook.
"""

SETUP = r"""
import os
import sys
from pathlib import Path

# One BLAS thread, set before numpy loads its BLAS: runs are reproducible and timings comparable on a shared machine.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "lesson" / "__init__.py").is_file())
sys.path.insert(0, str(ROOT))  # the lesson, reference/ and benchmarks/ packages live at the repository root

from IPython.display import Image, Markdown, display

from lesson import (bottleneck, char_rnn, clipping_run, figures, gradient_flow, hidden_states, long_range,
                    lstm_gates, order, rnn_forward, speed, summary)
from lesson.record import TOTAL_BUDGET_S, Lab

SEED = int(os.environ.get("SEQLAB_LESSON_SEED", "0"))
OUT = os.environ.get("SEQLAB_LESSON_OUT", str(ROOT / "lesson" / "output"))
lab = Lab(SEED, OUT)
print(f"seed {SEED}; figures and measurements go to {OUT}")


def show(path):
    display(Image(filename=path))


def say(key, result):
    # The reading of a section: claims, verdicts and numbers, all computed from `result`.
    for f in summary.readings(key, result):
        verdict = "held" if f["holds"] else "did NOT hold"
        display(Markdown(f"**Claim: {f['claim']}: {verdict}.** {f['text']}"))
"""

S1 = r"""
## 1. Why order matters

A sequence model reads $x_1, \dots, x_n$. Any representation $f$ that is invariant to permutations,
$f(x_{\pi(1)}, \dots, x_{\pi(n)}) = f(x_1, \dots, x_n)$ for every permutation $\pi$, cannot tell two orders of
the same items apart. The bag of words is one: it keeps the counts $c[v] = \#\{t : w_t = v\}$ and nothing else.
Counting pairs of neighbours, $c[u, v] = \#\{t : (w_t, w_{t+1}) = (u, v)\}$, keeps a little order, but only over a
window of two words; dependencies further apart need a representation of the whole prefix (an RNN's state,
section 2) or direct access to every position (attention, section 9).

**Claim.** "The cat chased the mouse" and "The mouse chased the cat" have equal bags of words and different
bigram counts. **Control.** "The dog chased the mouse" must get a different bag: the comparison can say "different".
"""

C1 = r"""
with lab.section(1):
    order_result = order.run()
    lab.record("order", order_result)
    for sentence, counts in zip(order_result["sentences"], order_result["bow"]):
        print(f"{sentence!r:32} {dict(zip(order_result['vocab'], counts))}")
    show(lab.figure(1, "order", figures.order(order_result)))
    say("order", order_result)
"""

S2 = r"""
## 2. A simple RNN, from scratch

An Elman RNN keeps a state $h_t \in \mathbb{R}^H$ that summarises $x_1, \dots, x_t$:

$$h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h), \qquad y_t = W_{hy} h_t + b_y, \qquad h_0 = 0.$$

In this course a time step is a column block: $x_t$ is $(I, B)$, $h_t$ is $(H, B)$, weights are
(out, in). The same weights serve every step, so the parameter count, $HI + H^2 + OH + H + O$, does not depend on
the sequence length. The course's implementation is `reference.rnn.SimpleRNN`; here is its step:
"""

C2 = r"""
import inspect

from reference.rnn import SimpleRNN

with lab.section(2):
    print(inspect.getsource(SimpleRNN.step))
"""

S2B = r"""
**Claim.** Run on a sequence of 5 inputs ($I = 3$, $H = 4$, $O = 2$), the numpy forward gives the same states as
`torch.nn.RNN` with the same weights ($W_{ih} = W_{xh}$, $W_{hh}$, $b_{ih} = b_h$, $b_{hh} = 0$), to rounding
error ($< 10^{-12}$ in float64). **Control.** Handing torch $W_{hh}^\top$ instead (a transposition slip) must
make the states differ.
"""

C2B = r"""
with lab.section(2):
    forward_result = rnn_forward.run(SEED)
    lab.record("rnn_forward", forward_result)
    print(f"{forward_result['T']} steps; hidden state {forward_result['hidden_shape']}, "
          f"output {forward_result['output_shape']}, {forward_result['n_hiddens']} states kept (h_0 included); "
          f"{forward_result['n_parameters']} parameters")
    show(lab.figure(2, "rnn_forward", figures.rnn_forward(forward_result)))
    say("rnn_forward", forward_result)
"""

S3 = r"""
## 3. Hidden states of a trained RNN

The seed of this course drew random numbers and called them hidden states. Here the states come from the
reference `SimpleRNN` trained on the character task of section 8: predict the next character of
"hello world! " repeated, minimising the mean cross-entropy

$$L = -\frac{1}{TB} \sum_{t, b} \log \operatorname{softmax}(y_t)_{k_{t,b}}$$

with `SimpleRNN.train_step` (BPTT, norm clipping at 1, SGD with learning rate 1, 300 steps on random windows of
25 characters, each started from $h_0 = 0$). We then feed the text from $h_0 = 0$ and draw $h_t$ for every step.

What must a state hold? The three 'l' of "hello world" arrive as the same one-hot input, yet they are followed by
'l', 'o' and 'd'. A predictor that sees only the current character can do no better than always guessing the most
frequent successor; on this text that caps its accuracy at the **memoryless ceiling** (computed from the text).

**Claim.** The trained RNN's next-character accuracy is above the memoryless ceiling (by more than 5 points).
**Control.** The same trained network with $W_{hh} = 0$ has no memory: it cannot beat the ceiling.
"""

C3 = r"""
with lab.section(3):
    states_result = hidden_states.run(SEED)
    lab.record("hidden_states", states_result)
    show(lab.figure(3, "hidden_states", figures.hidden_states(states_result)))
    say("hidden_states", states_result)
"""

S4 = r"""
## 4. Gradient flow through time, measured

Backpropagation through time sends $\partial L / \partial h_T$ back through every step:

$$\frac{\partial L}{\partial h_0}
= \Big(\frac{\partial h_T}{\partial h_0}\Big)^{\!\top} \frac{\partial L}{\partial h_T},
\qquad \frac{\partial h_T}{\partial h_0} = J_T J_{T-1} \cdots J_1, \qquad
J_t = \operatorname{diag}(1 - h_t^2)\, W_{hh}.$$

Two factors compete in each $J_t$. If $\tanh$ is near-linear ($1 - h_t^2 \approx 1$) the product is
$W_{hh}^T$, whose norm behaves like $\rho^T$ for large $T$, with $\rho$ the spectral radius of $W_{hh}$ (its
largest $|\lambda|$): it vanishes geometrically for $\rho < 1$ and explodes for $\rho > 1$. But a saturated unit,
$|h| \to 1$, has $1 - h^2 \to 0$ and damps the product whatever $\rho$ is.

We scale one random $W_{hh}$ ($H = 32$) to $\rho \in \{0.5, 0.9, 1.1, 1.5\}$ and measure
$\|\partial h_T / \partial h_0\|$ (spectral norm, median over 16 sequences) for $T = 1, \dots, 50$ in two regimes:
**near-linear** (inputs of size $10^{-12}$, so that even at $\rho = 1.5$ the state stays small for 50 steps) and
**saturating** (inputs of size 1). Third panel: $\|\partial L / \partial h_t\|$ for a loss at $T = 50$, computed by the
reference BPTT (`SimpleRNN.backward`), which must agree with the Jacobian product.

**Claims.** (a) Near-linear, the per-step factor $(\|\cdot\|_{50} / \|\cdot\|_{5})^{1/45}$ matches $\rho$, and at
$\rho = 0.5$ the norm at $T = 50$ is below $10^{-6}$ of the norm at $T = 5$. (b) At $\rho = 1.5$ the norm grows more
than $10^3$-fold near-linear, but shrinks when the units saturate. **Controls.** Claim (b)'s "shrinks" fails on the
near-linear run; the BPTT cross-check fails when the $\operatorname{diag}(1 - h^2)$ factor is dropped.
"""

C4 = r"""
with lab.section(4):
    flow_result = gradient_flow.run(SEED)
    lab.record("gradient_flow", flow_result)
    show(lab.figure(4, "gradient_flow", figures.gradient_flow(flow_result)))
    say("gradient_flow", flow_result)
"""

S4B = r"""
The honest reading: the textbook "exploding gradient" lives in the linear regime. A tanh RNN that runs forward
with $\rho > 1$ drives its units into saturation, and saturation makes the gradient *vanish*. Explosions in
practice happen during training, when an update lands the weights near a sharp change in the loss (a "cliff",
Pascanu et al. 2013). The course's first exercise guards against that: **norm clipping**,

$$g \leftarrow g \cdot \min\Big(1, \frac{\text{max\_norm}}{\|g\|}\Big),$$

which bounds each SGD step $\theta \leftarrow \theta - \eta g$ to length $\eta \cdot \text{max\_norm}$ without
changing its direction. Below, the reference `SimpleRNN.train_step` trains on the character task with learning rate
$\eta = 2$ (too large), without clipping and with `max_norm = 1` (reference.gradient_clipping.clip_grad_norm), from
the same initial weights on the same batches.

**Claim.** Unclipped, the run diverges (its final loss is above its initial loss); clipped, it ends below 10% of
the initial loss. **Control.** At $\eta = 0.5$ the gradients stay small, clipping rarely acts, and both runs end at
the same loss: the difference clipping makes must disappear.
"""

C4B = r"""
with lab.section(4):
    clip_result = clipping_run.run(SEED)
    lab.record("clipping", clip_result)
    show(lab.figure(4, "clipping", figures.clipping(clip_result)))
    say("clipping", clip_result)
"""

S5 = r"""
## 5. LSTM: gates that learn when to forget

An LSTM adds a cell $c_t$ updated additively, under three gates computed from $z_t = [x_t; h_{t-1}]$:

$$i_t = \sigma(W_i z_t + b_i), \quad f_t = \sigma(W_f z_t + b_f), \quad o_t = \sigma(W_o z_t + b_o), \quad
g_t = \tanh(W_g z_t + b_g),$$
$$c_t = f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t).$$

Along the cell, $\partial c_t / \partial c_{t-1} = \operatorname{diag}(f_t)$ (plus terms through $h$): where
$f \approx 1$ the cell carries its content, and its gradient, unchanged; where $f \approx 0$ it forgets.
The seed drew the gates of an *untrained* cell. Here an LSTM ($H = 4$) is trained on a task where forgetting
matters: a stream of '.', 'A', 'B' and 'x'; at every step the target is what memory holds: nothing after 'x', else
the last letter seen. Holding needs $f$ high on '.', clearing needs $f$ low on 'x'. The gates are then read with
the numpy `reference.lstm.LSTMCell`, loaded with the trained torch weights.

**Claim.** Averaged over units and test sequences, the forget gate at 'x' is lower than at '.' by more than 0.2.
**Control.** The same network before training shows no such gap.
"""

C5 = r"""
with lab.section(5):
    gates_result = lstm_gates.run(SEED)
    lab.record("lstm_gates", gates_result)
    show(lab.figure(5, "lstm_gates", figures.lstm_gates(gates_result)))
    say("lstm_gates", gates_result)
"""

S6 = r"""
## 6. The bottleneck of an encoder-decoder

A sequence-to-sequence RNN encodes $x_1, \dots, x_n$ into states $e_1, \dots, e_n$ and starts its decoder from
$e_n$ alone: $H$ numbers, whatever $n$ is. With attention the decoder state $d_i$ reads every encoder state,

$$a_{ij} = \operatorname{softmax}_j\Big(\frac{d_i \cdot e_j}{\sqrt{H}}\Big), \qquad c_i = \sum_j a_{ij} e_j,$$

and predicts from $[d_i; c_i]$. The seed drew invented "information units"; here we measure. Task: copy $n$ random
tokens (vocabulary 8, chance 1/8); both models are GRU encoder-decoders with $H = 64$, trained for the same 250
Adam steps on the same batches with lengths $n \in \{4, 8, 16, 32\}$, and tested on fresh sequences.

**Claim.** At $n = 32$, attention's per-token accuracy exceeds the plain encoder-decoder's by more than 0.3.
**Control.** At $n = 4$ nothing needs compressing: the gap must vanish.
"""

C6 = r"""
with lab.section(6):
    bottleneck_result = bottleneck.run(SEED)
    lab.record("bottleneck", bottleneck_result)
    show(lab.figure(6, "bottleneck", figures.bottleneck(bottleneck_result)))
    say("bottleneck", bottleneck_result)
"""

S7 = r"""
## 7. Sequential versus parallel

The seed "demonstrated" speed with `time.sleep`. Here we time the benchmark suite's own implementations
(`benchmarks/lesson_grid.py`: numpy and torch RNN loops, `torch.nn.RNN`, and three attentions) at width $d = 64$,
batch $B = 32$, one thread. Count the arithmetic first (a multiply-add is 2 FLOPs):

$$F_\text{rnn} = 4 n B d^2 \ \text{(n dependent steps)}, \qquad F_\text{att} = 4 B n^2 d \ \text{(one batched product)},
\qquad \frac{F_\text{att}}{F_\text{rnn}} = \frac{n}{d}.$$

Attention does *more* arithmetic than the RNN once $n > d$. Its advantage is parallelism: all positions at once,
in large products that keep many arithmetic units busy, while the RNN's $n$ small steps must wait for each other.
A CPU thread has little parallelism to waste, so the arithmetic decides: expect the curves to cross at
$n^* = d\, R_\text{att} / R_\text{rnn}$ ($R$ = measured FLOP/s), a small multiple of $d$. A GPU has thousands of
arithmetic units, of which the RNN's small sequential products can use only a few: there $R_\text{att} / R_\text{rnn}$,
and with it $n^*$, should be much larger. That is a prediction until measured: the GPU reading appears below only
when committed GPU results (`benchmarks/results/*gpu*.json`) exist.

**Claim.** The speedup $t_\text{rnn} / t_\text{att}$ at $n = 256$ is less than 70% of that at $n = 16$: attention's
advantage shrinks as $n$ passes $d$. **Control.** The same check on the timings with the two families swapped must fail.
Timings on a shared machine are noisy; the medians of 5 runs are shown.
"""

C7 = r"""
with lab.section(7):
    speed_result = speed.run()
    lab.record("speed", speed_result)
    show(lab.figure(7, "speed", figures.speed(speed_result)))
    say("speed", speed_result)
    for message in speed_result["warnings"]:
        print(f"benchmark warning: {message} (note: this notebook set "
              f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']} before numpy loaded)")
    if not speed_result["gpu"]:
        print("No committed GPU results (benchmarks/results/*gpu*.json): the GPU reading is not available here.")
    for g in speed_result["gpu"]:
        print(f"GPU {g['device_name']}, d = {g['d']}: measured crossover {g['measured_crossover']}, "
              f"predicted {g['predicted_crossover']}")
"""

S8 = r"""
## 8. A character-level RNN language model

The seed's model: embedding, `torch.nn.RNN` ($H = 32$), linear read-out; Adam (learning rate 0.01) on chunks of 10
characters, the hidden state carried across chunks and detached (truncated BPTT). The seed reported the training
loss only, but a network can drive its training loss down on any sequence, even a meaningless one. So the last 4
periods of the text are held out, and the shuffled text serves as control.

**Claim.** The held-out loss is below a tenth of the unigram entropy (what a model ignoring context pays).
**Control.** Trained on the same characters shuffled, the model's training loss falls too, but its held-out loss
stays high.
"""

C8 = r"""
with lab.section(8):
    char_result = char_rnn.run(SEED)
    lab.record("char_rnn", char_result)
    for text in char_result["samples"]:
        print(repr(text))
    show(lab.figure(8, "char_rnn", figures.char_rnn(char_result)))
    say("char_rnn", char_result)
"""

S9 = r"""
## 9. Long-range dependencies, measured

The seed plotted $0.95 \cdot 0.8^{d/5}$ and called it RNN accuracy. Here: sequences $x_0, x_1, \dots, x_d$ of random
tokens (vocabulary 8); the answer, read at the last position, is $x_0$, the token $d$ positions back. An RNN, an
LSTM ($H = 32$) and one self-attention layer with learned position embeddings,

$$e_t = \operatorname{emb}(x_t) + p_t, \quad a = \operatorname{softmax}\Big(\frac{K q}{\sqrt{H}}\Big),
\quad \text{answer from } \textstyle\sum_t a_t v_t, \quad q = W_q e_d,\ k_t = W_k e_t,\ v_t = W_v e_t,$$

are each trained for 300 Adam steps per distance $d \in \{1, 4, 8, 16, 32\}$ and tested on fresh sequences. The
recurrent models must carry $x_0$ across $d$ updates and receive its gradient back through $d$ Jacobians
(section 4); attention's path from $x_0$ to the answer has length 1 at every $d$.

**Claims.** Attention is at least 95% accurate at every distance; at $d = 32$ it beats the RNN by more than 0.5.
**Controls.** At $d = 1$ the gap must vanish; with shuffled labels the attention model must fall to chance.
"""

C9 = r"""
with lab.section(9):
    range_result = long_range.run(SEED)
    lab.record("long_range", range_result)
    show(lab.figure(9, "long_range", figures.long_range(range_result)))
    say("long_range", range_result)
"""

S10 = r"""
## 10. Summary: what was measured

The text below is generated from this run's numbers by `lesson.summary.conclusion`: change the seed, the sizes or
the machine, and it changes with them. Then every section's figure and the time each section took against its
budget.
"""

C10 = r"""
with lab.section(10):
    display(Markdown(summary.conclusion(summary.findings(lab.results))))
    finished = [t for t in lab.timings() if t["number"] < 10]  # this section is still running: its time comes below
    show(lab.figure(10, "closing", figures.closing(lab.figure_paths(), finished)))
"""

C_TIMES = r"""
total = sum(s["seconds"] for s in lab.timings())
rows = [f"| {s['title']} | {s['seconds']:.1f} | {s['cpu_seconds']:.1f} | {s['budget_s']} | "
        f"{'over budget' if s['cpu_seconds'] > s['budget_s'] else ''} |" for s in lab.timings()]
display(Markdown("\n".join(["| section | wall seconds | CPU seconds | CPU budget (s) | |", "|---|---|---|---|---|",
                            *rows, f"| **total** | **{total:.1f}** | | **{TOTAL_BUDGET_S}** (wall) | |"])))
"""

EXERCISES = r"""
## Exercises

The graded assignment asks you to implement four pieces that appeared above:
1. **Gradient clipping** (`clip_grad_norm`, `clip_grad_value`): section 4 used the reference one; rerun the
   section with yours.
2. **Bidirectional RNN**: a second state $h^b_t$ that reads the sequence backwards; what could it add to
   section 3's predictions, and why can it not be used for next-character prediction?
3. **GRU cell**: compare its update gate with the LSTM's forget gate of section 5.
4. **Attention preview**: the similarity matrix $S = E E^\top$, the softmax weights and $\text{softmax}(S/\sqrt{d}) E$,
   the operation timed in section 7 and trained in sections 6 and 9.
"""


def cells():
    """(kind, source) pairs in notebook order."""
    return [
        ("markdown", INTRO), ("code", SETUP),
        ("markdown", S1), ("code", C1),
        ("markdown", S2), ("code", C2), ("markdown", S2B), ("code", C2B),
        ("markdown", S3), ("code", C3),
        ("markdown", S4), ("code", C4), ("markdown", S4B), ("code", C4B),
        ("markdown", S5), ("code", C5),
        ("markdown", S6), ("code", C6),
        ("markdown", S7), ("code", C7),
        ("markdown", S8), ("code", C8),
        ("markdown", S9), ("code", C9),
        ("markdown", S10), ("code", C10), ("code", C_TIMES),
        ("markdown", EXERCISES),
    ]


def build():
    """The notebook, with deterministic cell ids (nbformat would draw random ones) and no outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    for k, (kind, source) in enumerate(cells()):
        cell = make[kind](source.strip("\n"))
        cell.id = f"cell-{k:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def render():
    return nbformat.writes(build()) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed notebook is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not NOTEBOOK.is_file() or NOTEBOOK.read_text() != text:
            print(f"{NOTEBOOK} is stale: run python -m lesson.build_notebook", file=sys.stderr)
            return 1
        return 0
    NOTEBOOK.write_text(text)
    print(f"wrote {NOTEBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
