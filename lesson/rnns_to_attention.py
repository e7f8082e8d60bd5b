# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] id="intro"
# # From RNNs to attention, measured
#
# Why did attention replace recurrent networks? This notebook answers with measurements, not pictures: every
# figure below is computed by the code above it, on data you can regenerate, and every sentence that reports an
# outcome is written by `lesson/summary.py` from the numbers just measured.
#
# Each section follows the same pattern:
# 1. the mathematics of the idea;
# 2. a **claim**, stated before the measurement, with the threshold it must meet (each claim, its threshold and
#    its control are defined once, in `lesson/claims.py`);
# 3. a **negative control**: the same test on a case where it must fail, so that a passing test means something;
# 4. the figure, and a verdict table with every seed's measurement and its control side by side.
#
# **Your exercises run here.** Sections 3 and 4 clip gradients, section 6 runs a GRU and attention, sections 7
# and 9 use attention: the four exercises of the course. The first cell grades your `exercises/` with their public
# checks (the same sandboxed grader as `make grade`); each section then uses your code for an exercise once all its
# checks pass, and torch's equivalent until then, saying in one line which one it ran. The claims hold either way.
#
# Practicalities. Every experiment runs on three seeds (`SEQLAB_LESSON_SEED` and the next two; default 0, 1, 2;
# `SEQLAB_LESSON_SEEDS` sets how many): a claim holds only if it holds on every seed and its control fails on every
# seed. Everything runs on one CPU thread; each section has a budget of CPU seconds and the whole notebook must stay
# under 5 minutes. Figures and a table of every measured number go to `lesson/runs/seed-<S>/` (or
# `SEQLAB_LESSON_OUT`), never over the committed results in `lesson/output/`. The heavy lifting lives in small
# modules under `lesson/`, one per experiment: read them next to this notebook.

# %% id="setup"
import os
import sys
from pathlib import Path

# One BLAS thread, set before numpy loads its BLAS: runs are reproducible and timings comparable on a shared machine.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "lesson" / "__init__.py").is_file())
sys.path.insert(0, str(ROOT))  # the lesson, seqlab and benchmarks packages live at the repository root

from IPython.display import Image, Markdown, display

from lesson import (bottleneck, bptt, char_rnn, claims, clipping_run, exercise_code, figures, gradient_flow,
                    hidden_states, long_range, lstm_gates, order, points, rnn_forward, speed, summary)
from lesson.record import N_SEEDS, TOTAL_BUDGET_S, Lab
from lesson.run import default_out

SEED = int(os.environ.get("SEQLAB_LESSON_SEED", "0"))
OUT = os.environ.get("SEQLAB_LESSON_OUT") or str(default_out(SEED))
lab = Lab(SEED, OUT, n_seeds=int(os.environ.get("SEQLAB_LESSON_SEEDS", N_SEEDS)))
print(f"seeds {lab.seeds}; figures and measurements go to {OUT}")
code = exercise_code.choose(ROOT)  # grades your exercises (in the instructor's repository: uses reference/)
lab.implementations = code.sources()
print(code.status())
display(Markdown(points.markdown()))


def show(path):
    display(Image(filename=path))


def claim(key):
    """The section's claims, thresholds and controls, stated before the measurement."""
    display(Markdown(claims.announce(key)))


def say(key):
    """Every claim's verdict, each seed's measurement beside its control, and what the numbers say."""
    runs = lab.results[key]
    display(Markdown(claims.verdict_table(key, runs) + "\n\n" + summary.reading(key, runs)))


# %% [markdown] id="s01-order"
# ## 1. Why order matters
#
# A sequence model reads $x_1, \dots, x_n$. Any representation $f$ that is invariant to permutations,
# $f(x_{\pi(1)}, \dots, x_{\pi(n)}) = f(x_1, \dots, x_n)$ for every permutation $\pi$, cannot tell two orders of
# the same items apart. The bag of words is one: it keeps the counts $c[v] = \#\{t : w_t = v\}$ and nothing else.
# Counting pairs of neighbours, $c[u, v] = \#\{t : (w_t, w_{t+1}) = (u, v)\}$, keeps a little order, but only over
# a window of two words; dependencies further apart need a representation of the whole prefix (an RNN's state,
# section 2) or direct access to every position (attention, sections 6 and 9). This section draws no random
# numbers, so it runs once.

# %% id="s01-claim"
claim("order")

# %% id="s01-run"
with lab.section(1):
    runs = lab.run("order", order.run, seeded=False)
    result = runs["-"]
    for sentence, counts in zip(result["sentences"], result["bow"]):
        print(f"{sentence!r:32} {dict(zip(result['vocab'], counts))}")
    show(lab.figure(1, "order", figures.order(result)))
    say("order")

# %% [markdown] id="s02-rnn"
# ## 2. A simple RNN, from scratch
#
# An Elman RNN keeps a state $h_t \in \mathbb{R}^H$ that summarises $x_1, \dots, x_t$:
#
# $$h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h), \qquad y_t = W_{hy} h_t + b_y, \qquad h_0 = 0.$$
#
# In this course a time step is a column block: $x_t$ is $(I, B)$, $h_t$ is $(H, B)$, weights are
# (out, in). The same weights serve every step, so the parameter count, $HI + H^2 + OH + H + O$, does not depend
# on the sequence length. The lesson's implementation is `lesson.models.rnn.SimpleRNN`; here is its step:

# %% id="s02-source"
import inspect

from lesson.models.rnn import SimpleRNN

with lab.section(2):
    print(inspect.getsource(SimpleRNN.step))

# %% [markdown] id="s02-torch"
# Run on a sequence of 5 inputs ($I = 3$, $H = 4$, $O = 2$), the numpy forward should give the states of
# `torch.nn.RNN` loaded with the same weights ($W_{ih} = W_{xh}$, $W_{hh}$, $b_{ih} = b_h$, $b_{hh} = 0$). The
# control hands torch $W_{hh}^\top$ instead (a transposition slip).

# %% id="s02-claim"
claim("rnn_forward")

# %% id="s02-run"
with lab.section(2):
    runs = lab.run("rnn_forward", rnn_forward.run)
    result = next(iter(runs.values()))
    print(f"{result['T']} steps; hidden state {result['hidden_shape']}, output {result['output_shape']}, "
          f"{result['n_hiddens']} states kept (h_0 included); {result['n_parameters']} parameters")
    show(lab.figure(2, "rnn_forward", figures.rnn_forward(result)))
    say("rnn_forward")

# %% [markdown] id="s03-states"
# ## 3. Hidden states of a trained RNN
#
# The states here come from the numpy `SimpleRNN` trained on a toy text, "hello world! " repeated: predict
# the next character, minimising the mean cross-entropy
#
# $$L = -\frac{1}{TB} \sum_{t, b} \log \operatorname{softmax}(y_t)_{k_{t,b}}$$
#
# with `SimpleRNN.train_step` (BPTT, norm clipping at 1 by exercise 1's `clip_grad_norm`, SGD with learning rate
# 1, 300 steps on random windows of 25 characters, each started from $h_0 = 0$). We then feed the text from
# $h_0 = 0$ and draw $h_t$ for every step.
#
# What must a state hold? The three 'l' of "hello world" arrive as the same one-hot input, yet they are followed
# by 'l', 'o' and 'd'. A predictor that sees only the current character can do no better than always guessing the
# most frequent successor; on this text that caps its accuracy at the **memoryless ceiling** (computed from the
# text). Setting $W_{hh} = 0$ in the trained network removes its memory: that is the control.

# %% id="s03-claim"
claim("hidden_states")

# %% id="s03-run"
with lab.section(3):
    print(code.says("clip_grad_norm", 3))
    runs = lab.run("hidden_states", hidden_states.run, clipping=code.clipping)
    show(lab.figure(3, "hidden_states", figures.hidden_states(next(iter(runs.values())))))
    say("hidden_states")

# %% [markdown] id="s04-flow"
# ## 4. Gradient flow through time, measured
#
# Backpropagation through time sends $\partial L / \partial h_T$ back through every step:
#
# $$\frac{\partial L}{\partial h_0}
# = \Big(\frac{\partial h_T}{\partial h_0}\Big)^{\!\top} \frac{\partial L}{\partial h_T},
# \qquad \frac{\partial h_T}{\partial h_0} = J_T J_{T-1} \cdots J_1, \qquad
# J_t = \operatorname{diag}(1 - h_t^2)\, W_{hh}.$$
#
# The product is ordered: the Jacobian of the last step stands on the left. Two factors compete in each $J_t$.
# If $\tanh$ is near-linear ($1 - h_t^2 \approx 1$) the product is the matrix power $W_{hh}^{\,T}$ (here the
# exponent is the number of steps; transposes are written $^\top$), whose norm behaves like $\rho^T$ for large
# $T$, with $\rho$ the spectral radius of $W_{hh}$ (its largest $|\lambda|$): it vanishes geometrically for
# $\rho < 1$ and explodes for $\rho > 1$. A saturated unit, $|h| \to 1$, has $1 - h^2 \to 0$ and damps its row.
# So each step multiplies the norm by about $\rho$ times a typical $\tanh'$: for a random $W_{hh}$,
# $\|\operatorname{diag}(s) W_{hh} v\| \approx \rho \sqrt{\langle s^2 \rangle}\, \|v\|$, a per-step factor
# $\approx \rho \cdot \mathrm{rms}(\tanh')$ that can land on either side of 1.
#
# We scale one random $W_{hh}$ ($H = 32$) to $\rho \in \{0.5, 0.9, 1.1, 1.5, 2, 3\}$ and measure
# $\|\partial h_T / \partial h_0\|$ (spectral norm, median over 16 sequences) for $T = 1, \dots, 50$ in two
# regimes: **near-linear** (inputs of size $10^{-12}$: up to $\rho = 1.5$ the state stays small for 50 steps; at
# $\rho = 2$ and $3$ it grows until it saturates) and **saturating** (inputs of size 1: every unit saturates, at
# every $\rho$). The per-step factor is $(\|\cdot\|_{50} / \|\cdot\|_{5})^{1/45}$. Third panel:
# $\|\partial L / \partial h_t\|$ for a loss at $T = 50$, computed by the numpy BPTT (`SimpleRNN.backward`),
# which must agree with the Jacobian product.

# %% id="s04-claim"
claim("gradient_flow")

# %% id="s04-run"
with lab.section(4):
    runs = lab.run("gradient_flow", gradient_flow.run)
    show(lab.figure(4, "gradient_flow", figures.gradient_flow(next(iter(runs.values())))))
    say("gradient_flow")

# %% [markdown] id="s04-bptt"
# ### BPTT, derived and checked
#
# Write $a_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h$, $h_t = \tanh(a_t)$, $y_t = W_{hy} h_t + b_y$ and
# $L = \sum_t \ell_t(y_t)$. The same $W_{hh}$ acts at every step, so by the chain rule its gradient is a sum of
# one term per step where it acts:
#
# $$\frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^{T} \delta_t\, h_{t-1}^\top, \qquad
# \delta_t = \frac{\partial L}{\partial a_t} = (1 - h_t^2) \odot \Big(W_{hy}^\top \frac{\partial \ell_t}{\partial y_t}
# + W_{hh}^\top \delta_{t+1}\Big), \qquad \delta_{T+1} = 0.$$
#
# The recursion runs backwards in time: $\delta_t$ collects this step's loss and, through $W_{hh}^\top \delta_{t+1}$,
# every later one, which is the Jacobian product above applied to a vector. `SimpleRNN.backward` implements
# exactly these lines. A numeric check compares its $\partial L / \partial W_{hh}$ with central finite
# differences, $(L(W_{hh} + \epsilon E_{ij}) - L(W_{hh} - \epsilon E_{ij})) / 2\epsilon$ for every entry; the
# control keeps only the last term of the sum ($t = T$), as if $W_{hh}$ acted once.

# %% id="s04-bptt-claim"
claim("bptt")

# %% id="s04-bptt-run"
with lab.section(4):
    lab.run("bptt", bptt.run)
    say("bptt")

# %% [markdown] id="s04-clipping"
# ### Clipping
#
# Growth of the gradient in the forward regime is one source of explosions; in practice they also happen during
# training, when an update lands the weights near a sharp change in the loss (a "cliff", Pascanu et al. 2013).
# The course's first exercise guards against that: **norm clipping**,
#
# $$g \leftarrow g \cdot \min\Big(1, \frac{\text{max\_norm}}{\|g\|}\Big),$$
#
# which bounds each SGD step $\theta \leftarrow \theta - \eta g$ to length $\eta \cdot \text{max\_norm}$ without
# changing its direction. Below, `SimpleRNN.train_step` trains on the toy text of section 3 with learning rate
# $\eta = 2$ (too large), without clipping and with `max_norm = 1` (exercise 1's `clip_grad_norm`: yours once it
# passes its public checks), from the same initial weights on the same batches. At $\eta = 0.5$ the gradients stay
# small and clipping rarely acts: the difference it makes must disappear there.

# %% id="s04-clipping-claim"
claim("clipping")

# %% id="s04-clipping-run"
with lab.section(4):
    print(code.says("clip_grad_norm", 4))
    runs = lab.run("clipping", clipping_run.run, clipping=code.clipping)
    show(lab.figure(4, "clipping", figures.clipping(next(iter(runs.values())))))
    say("clipping")

# %% [markdown] id="s05-lstm"
# ## 5. LSTM: gates that learn when to forget
#
# An LSTM adds a cell $c_t$ updated additively, under three gates computed from $z_t = [x_t; h_{t-1}]$:
#
# $$i_t = \sigma(W_i z_t + b_i), \quad f_t = \sigma(W_f z_t + b_f), \quad o_t = \sigma(W_o z_t + b_o), \quad
# g_t = \tanh(W_g z_t + b_g),$$
# $$c_t = f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t).$$
#
# Along the cell, $\partial c_t / \partial c_{t-1} = \operatorname{diag}(f_t)$ (plus terms through $h$): where
# $f \approx 1$ the cell carries its content, and its gradient, unchanged; where $f \approx 0$ it forgets.
# An LSTM ($H = 4$) is trained on a task where forgetting matters: a stream of '.', 'A', 'B' and 'x'; at every
# step the target is what memory holds: nothing after 'x', else the last letter seen. Holding needs $f$ high on
# '.'. Every other token changes the memory: 'x' clears it, and 'A' or 'B' *replace* what it holds, which also
# means dropping the old letter ($i \odot g$ alone would add the new letter to the old one). So the forget gate
# should be lower on all three changing tokens than on '.', not on 'x' alone. Whether $f$ on '.' comes near 1 is
# measured too: a small LSTM can also hold a letter by writing it again at every step from $h_{t-1}$ through
# $i \odot g$, so $f \approx 1$ is sufficient for holding, not necessary. The gates are read with the numpy
# `lesson.models.lstm.LSTMCell`, loaded with the trained torch weights.
#
# **The GRU** (exercise 3) does the same with one gate: $h' = (1 - z) \odot n + z \odot h$. The update gate $z$ is a
# learned skip connection: with $z \to 1$ the state is copied, and since
# $\partial h' / \partial h = \operatorname{diag}(z) + \operatorname{diag}(1 - z)\, \partial n / \partial h +
# \operatorname{diag}(h - n)\, \partial z / \partial h$, in which the last two terms vanish as $z \to 1$
# (also $\partial z/\partial h \propto z(1 - z)$), the Jacobian tends to the identity: the gradient passes
# through unchanged, as along the LSTM's cell. The written question of exercise 3 asks you to show it.

# %% id="s05-claim"
claim("lstm_gates")

# %% id="s05-run"
with lab.section(5):
    runs = lab.run("lstm_gates", lstm_gates.run)
    show(lab.figure(5, "lstm_gates", figures.lstm_gates(next(iter(runs.values())))))
    say("lstm_gates")

# %% [markdown] id="s06-bottleneck"
# ## 6. The bottleneck of an encoder-decoder
#
# A sequence-to-sequence RNN encodes $x_1, \dots, x_n$ into states $e_1, \dots, e_n$ and starts its decoder from
# $e_n$ alone: $H$ numbers, whatever $n$ is. Both models here predict token $i$ from $[d_i; c_i]$ and differ only
# in the context $c_i$: without attention $c_i = e_n$ for every $i$; with attention the decoder state $d_i$ reads
# every encoder state,
#
# $$a_{ij} = \operatorname{softmax}_j\Big(\frac{d_i \cdot e_j}{\sqrt{H}}\Big), \qquad c_i = \sum_j a_{ij} e_j.$$
#
# **Teacher forcing.** During training the decoder's input at step $i$ is the *true* previous token $y_{i-1}$ (a
# start token at $i = 1$), not its own previous guess: every output position is trained from a correct prefix, all
# of them in one parallel pass, and an early mistake cannot derail the rest of the sequence. The accuracy below is
# measured the same way (per token, given the true prefix); a model generating freely would feed back its own
# guesses, and its errors would compound.
#
# Task: copy $n$ random tokens (vocabulary 8, chance 1/8). If $e_n$ is a bottleneck, the model without attention
# needs a larger $H$ as $n$ grows, and the one with attention much less: each $e_j$ then only has to hold its own
# token and position. So both GRU encoder-decoders are trained at $H \in \{4, 8, 16, 32\}$, for the same 300 Adam
# steps on the same batches (lengths $n = 2$ and $8$ in turn), and tested on fresh sequences. The reading reports
# how much the loss still fell over the last fifth of training: near 0 means converged, so that the gap measures
# the state size and not the budget. At $n = 2$ nothing needs compressing: that is the control.
#
# Two of your exercises run here: the attention weights are computed by exercise 4's `softmax` (in training too:
# `lesson/numpy_in_torch.py` gives it its gradient), and the test accuracy comes from running each trained model
# step by step with exercise 3's `GRUCell`, loaded with the weights torch's GRU layers learnt.

# %% id="s06-claim"
claim("bottleneck")

# %% id="s06-run"
with lab.section(6):
    print(code.says("softmax", 6))
    print(code.says("GRUCell", 6))
    runs = lab.run("bottleneck", bottleneck.run, softmax=code.softmax, GRUCell=code.GRUCell)
    print("largest |logit| difference between the GRUCell run and torch's GRU: "
          f"{max(r['cell_vs_torch'] for r in runs.values()):.1e}")
    show(lab.figure(6, "bottleneck", figures.bottleneck(runs)))
    say("bottleneck")

# %% [markdown] id="s07-speed"
# ## 7. Sequential versus parallel
#
# Here we time the benchmark suite's own implementations (`benchmarks/lesson_grid.py`: numpy and torch RNN loops,
# `torch.nn.RNN`, and **bare** attentions, $Q = K = V = X$: torch's two and, as numpy's, exercise 4's
# `self_attention`) at width $d = 64$, batch $B = 32$, one thread, for $n$ from 8 to 1024. Count the arithmetic
# first (a multiply-add is 2 FLOPs):
#
# $$F_\text{rnn} = 4 n B d^2 \ \text{(n dependent steps)}, \qquad F_\text{att} = 4 B n^2 d \ \text{(one batched
# product)}, \qquad \frac{F_\text{att}}{F_\text{rnn}} = \frac{n}{d}.$$
#
# Bare attention does more arithmetic than the RNN once $n > d$. A real attention layer also computes
# $Q = XW_Q$, $K = XW_K$, $V = XW_V$ and an output projection, $F_\text{proj} = 8 n B d^2$ more, so
# $F_\text{layer} / F_\text{rnn} = 2 + n / d$: **a full layer does more arithmetic than the RNN at every $n$**.
# Attention's possible advantage is parallelism: all positions at once, in large products that keep many
# arithmetic units busy, while the RNN's $n$ small steps must wait for each other. A CPU thread has little
# parallelism to waste, so the arithmetic decides: expect the curves to cross at $n^* = d\, R_\text{att} /
# R_\text{rnn}$ ($R$ = measured FLOP/s), a small multiple of $d$. To test that model honestly, the throughputs are
# fitted on the lengths that are *not* the two around the measured crossover, and the predicted $n^*$ is shown
# beside the measured one (not judged: on a shared machine the noise near the crossover is as large as the
# effect). On a GPU the RNN's small sequential products would use few of its thousands of arithmetic units, so
# $n^*$ should be much larger there; that is a prediction until measured: no GPU numbers exist yet.
# Timings on a shared machine are noisy; the medians of 5 runs are shown. Timings draw no random numbers, so
# this section runs once.

# %% id="s07-claim"
claim("speed")

# %% id="s07-run"
with lab.section(7):
    print(code.says("self_attention", 7))
    runs = lab.run("speed", speed.run, seeded=False, numpy_attention=code.self_attention)
    result = runs["-"]
    show(lab.figure(7, "speed", figures.speed(result)))
    say("speed")
    for message in result["warnings"]:
        print(f"benchmark warning: {message} (note: this notebook set "
              f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']} before numpy loaded)")
    if not result["gpu"]:
        print("No committed GPU results (benchmarks/results/*gpu*.json): the GPU reading is not available here.")
    for g in result["gpu"]:
        print(f"GPU {g['device_name']}, d = {g['d']}: measured crossover {g['measured_crossover']}, "
              f"predicted {g['predicted_crossover']}")

# %% [markdown] id="s08-char"
# ## 8. A character-level RNN language model on real prose
#
# Text: chapters I and II of Lewis Carroll's *Alice's Adventures in Wonderland* (public domain,
# `lesson/data/`), lower-cased. The model (embedding, `torch.nn.RNN` with $H = 64$, linear read-out; Adam) trains
# on chapter I, 11 KB, and is measured on the opening of chapter II, which it never saw: a network can drive its
# training loss down on any sequence by memorising it, so only unseen text shows what it learnt about the prose.
#
# **Truncated BPTT.** The training text is cut into 16 parallel streams read in chunks of 32 characters. The
# hidden state is carried from one chunk to the next, so the forward pass sees each whole stream, but it is
# detached at every chunk border: a chunk's gradient flows back at most 32 steps. This bounds the cost and memory
# of an update (32 steps of BPTT, not 11 000), at the price of learning no dependency longer than 32 characters
# through the gradient.
#
# Two baselines are fitted on chapter I: the unigram model (character frequencies, no context) and the bigram
# model (the previous character only). Beating the bigram model on unseen text needs more than one character of
# memory. Control: the same model trained on chapter I's characters shuffled has no context to learn.
#
# **Why not a bidirectional RNN here?** Exercise 2's BiRNN stacks a forward state $h^f_t$ (from $x_1..x_t$) and a
# backward one $h^b_t$ (from $x_T..x_t$). For next-character prediction the target at $t$ is $x_{t+1}$, and
# $h^b_t$ has already read it: the model would see the answer during training, and at generation time the future
# it needs does not exist yet. A BiRNN suits tasks whose whole input is known first (tagging, classification, the
# encoder of section 6).

# %% id="s08-claim"
claim("char_rnn")

# %% id="s08-run"
with lab.section(8):
    runs = lab.run("char_rnn", char_rnn.run)
    show(lab.figure(8, "char_rnn", figures.char_rnn(runs)))
    say("char_rnn")

# %% [markdown] id="s09-range"
# ## 9. Long-range dependencies, measured
#
# Task ("marker recall"): 32 random tokens (vocabulary 8), one of them marked by a flag $m_t = 1$; the answer,
# read after the last token, is the marked token. Its distance $d$ from the end is drawn log-uniformly in
# $1..32$, so both short and long distances are common, and because its position varies no fixed pointer can
# answer: a model must find the marker by its content. Three models share the input
# $e_t = \operatorname{emb}(x_t) + m_t u$, the width $H = 32$, the batches, Adam and 300 steps: a tanh RNN, an
# LSTM, and one self-attention layer **without any position information**,
#
# $$a = \operatorname{softmax}\Big(\frac{K q}{\sqrt{H}}\Big), \quad \text{answer from } \textstyle\sum_t a_t v_t,
# \quad q = W_q e_{L} + b_q,\ k_t = W_k e_t,\ v_t = W_v e_t.$$
#
# The recurrent models must catch the token as the marker passes and carry it across $d - 1$ updates, and receive
# its gradient back through $d$ Jacobians (section 4); the gated LSTM has the cell of section 5 for that.
# Attention's path from the marked token to the answer has length 1 at every $d$: it only has to make
# $q \cdot W_k u$ large. Accuracy is measured on fresh sequences during training, per distance range. The weights
# $a$ are computed by exercise 4's `softmax`.

# %% id="s09-claim"
claim("long_range")

# %% id="s09-run"
with lab.section(9):
    print(code.says("softmax", 9))
    runs = lab.run("long_range", long_range.run, softmax=code.softmax)
    show(lab.figure(9, "long_range", figures.long_range(runs)))
    say("long_range")

# %% [markdown] id="s10-summary"
# ## 10. Summary: what was measured
#
# The text below is generated from this run's numbers by `lesson.summary.conclusion`: change the seed, the sizes
# or the machine, and it changes with them. Then every claim's verdict, and the time each section took against
# its budget.

# %% id="s10-run"
with lab.section(10):
    found = summary.findings(lab.results)
    display(Markdown(summary.conclusion(found)))
    finished = [t for t in lab.timings() if t["number"] < 10]  # this section is still running: its time comes below
    show(lab.figure(10, "closing", figures.closing(found, finished)))

# %% id="s10-times"
total = sum(s["seconds"] for s in lab.timings())
rows = [f"| {s['title']} | {s['seconds']:.1f} | {s['cpu_seconds']:.1f} | {s['budget_s']} | "
        f"{'over budget' if s['cpu_seconds'] > s['budget_s'] else ''} |" for s in lab.timings()]
display(Markdown("\n".join(["| section | wall seconds | CPU seconds | CPU budget (s) | |", "|---|---|---|---|---|",
                            *rows, f"| **total** | **{total:.1f}** | | **{TOTAL_BUDGET_S}** (wall) | |"])))

# %% [markdown] id="exercises"
# ## Exercises
#
# The graded assignment (points at the top of this notebook) asks you to implement four pieces that appeared
# above, each with a written question:
# 1. **Gradient clipping** (`clip_grad_norm`, `clip_grad_value`): sections 3 and 4 train with your
#    `clip_grad_norm` once it passes its public checks. Norm and value clipping do not move a gradient in the same
#    direction: the question asks you to see by how much.
# 2. **Bidirectional RNN**: a second state $h^b_t$ that reads the sequence backwards; section 8 said why it
#    cannot predict the next character, so no section runs it.
# 3. **GRU cell**: its update gate is the learned skip connection of section 5; section 6 runs its trained
#    encoder-decoders with your `GRUCell`.
# 4. **Attention preview**: the similarity matrix $S = E E^\top$, the weights $A = \operatorname{softmax}(S /
#    \sqrt{d})$ and $AE$; sections 6 and 9 use your `softmax`, section 7 times your `self_attention`. Here $q$
#    and $k$ are the same vectors, unlike in sections 6 and 9, where learned $W_q$, $W_k$ (or two different states)
#    produce them: the question asks what that changes as $d$ grows.
#
# Once you change an exercise, run `make grade`, then this notebook again from its first cell.
