"""Why the numpy RNN's time per step grew at long n when its work per step did not: the measurement behind
docs/benchmarks.md, "The per-step anomaly".

    python -m benchmarks.per_step_probe [--d 128] [--ns 256 1024 2048 4096 8192 16384] [--repeats 7]

The kit's numpy loop (lesson.models.rnn.rnn_hidden_states, the suite's numpy_loop) at width d, batch 32, one thread,
three ways, each in its own process (the allocator setting is process-wide):

    fresh, default allocator   what the suite timed before benchmarks.memory: a new output array every call
    the same, 4 KiB pages      with numpy's transparent-huge-page advice off (NUMPY_MADVISE_HUGEPAGE=0), as on a
                               machine without huge pages: 512 times more faults per MiB
    fresh, freed memory kept   the same call after benchmarks.memory.keep_freed_memory() (what the suite does now)
    into a pre-touched buffer  the same loop writing into one array allocated and written once: no allocation

For each n: the median and fastest time per step over `repeats` calls (after two warm-up calls), the page faults
per call, and the memory streamed (inputs xs and outputs hs, 2 n d B fp32) to hold against the caches (lscpu).
One step reads x_t and writes h_t (2 d B fp32) and reuses the two (d, d) weights, so neither the time per step
nor the faults per call should depend on n. Each line also shows the 1-minute load average: compare lines
measured at low load only.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np  # a child's BLAS threads are fixed by the environment its parent gives it

BATCH = 32
WAYS = ("default", "default_4k", "kept", "into")
LABELS = {"default": "fresh, default", "default_4k": "fresh, default, 4 KiB pages", "kept": "fresh, memory kept",
          "into": "pre-touched buffer"}
CHILD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def rnn_into(xs, Wxh, Whh, bh, h0, hs):
    """lesson.models.rnn.rnn_hidden_states' loop, writing h_t into hs[t] of a given buffer."""
    h = h0
    for t in range(len(xs)):
        h = np.tanh(Wxh @ xs[t] + Whh @ h + bh)  # (d, B)
        hs[t] = h
    return hs


def probe(way, d, ns, repeats):
    """Lines 'n median_us fastest_us faults load' for one way, measured in this process."""
    from benchmarks.memory import keep_freed_memory, page_faults
    from benchmarks.problem import make_problem
    from lesson.models.rnn import rnn_hidden_states

    if way == "kept":
        keep_freed_memory()
    lines = []
    for n in ns:
        p = make_problem(n, d, BATCH)
        if way == "into":
            hs = np.ones((n, d, BATCH), np.float32)  # written once here: every page mapped before timing
            def call():
                return rnn_into(p.xs, p.Wxh, p.Whh, p.bh, p.h0, hs)
        else:
            def call():
                return rnn_hidden_states(p.xs, p.Wxh, p.Whh, p.bh, p.h0)
        call(), call()
        seconds, faults = [], []
        for _ in range(repeats):
            before, start = page_faults(), time.perf_counter()
            call()
            seconds.append(time.perf_counter() - start)
            faults.append(page_faults() - before)
        lines.append(f"{n} {statistics.median(seconds) / n * 1e6:.2f} {min(seconds) / n * 1e6:.2f} "
                     f"{statistics.median(faults):.0f} {os.getloadavg()[0]:.2f}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.per_step_probe", description=__doc__.split("\n")[0])
    parser.add_argument("--d", type=int, default=128)
    parser.add_argument("--ns", type=int, nargs="+", default=[256, 1024, 2048, 4096, 8192, 16384])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)  # a child process measuring one way
    args = parser.parse_args(argv)
    if args.way:
        print("\n".join(probe(args.way, args.d, args.ns, args.repeats)))
        return 0
    print(f"numpy RNN loop, d = {args.d}, B = {BATCH}, one thread: time per step in us (median / fastest of "
          f"{args.repeats} calls) and page faults per call; load = highest 1-minute load average of the line")
    results = {}
    for way in WAYS:
        child = [sys.executable, "-m", "benchmarks.per_step_probe", "--way", way, "--d", str(args.d),
                 "--repeats", str(args.repeats), "--ns", *map(str, args.ns)]
        env = dict(os.environ, **CHILD_ENV, **({"NUMPY_MADVISE_HUGEPAGE": "0"} if way == "default_4k" else {}))
        done = subprocess.run(child, capture_output=True, text=True, check=True, env=env)
        results[way] = [line.split() for line in done.stdout.split("\n") if line]
    width = 30
    print(f"{'n':>6} {'xs+hs MiB':>9}  " + "".join(f"{LABELS[w]:>{width}}" for w in WAYS) + "  load")
    for i, n in enumerate(args.ns):
        cells = [f"{results[w][i][1]} / {results[w][i][2]} {results[w][i][3]:>5} flt" for w in WAYS]
        load = max(float(results[w][i][4]) for w in WAYS)
        print(f"{n:>6} {2 * n * args.d * BATCH * 4 / 2 ** 20:>9.0f}  " + "".join(f"{c:>{width}}" for c in cells)
              + f"  {load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
