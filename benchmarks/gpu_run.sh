#!/usr/bin/env bash
# The GPU benchmark run, in one call of a bare GPU machine (docs/benchmarks.md, "On a GPU machine"):
#   1. the machine: GPU, driver, torch, CUDA, cuDNN (benchmarks.machine); stops here when no GPU is usable;
#   2. the suite on the full grid with --bench-device=cuda: the ceilings (fp32 and TF32 matmul, device copy,
#      eager and CUDA-graph launch cost) and every RNN and attention case, each checked against the float64
#      reference before it is timed; pytest-benchmark's JSON;
#   3. the report with its figures, next to the committed CPU run for the CPU-versus-GPU figure.
# Everything goes under $OUT: gpu-full.log (all output), gpu-full.json, gpu-full/ (report.txt and PNGs).
#
#     OUT=/path/to/folder bash benchmarks/gpu_run.sh          # from the repository root
#
# SEQLAB_BENCH_REHEARSAL=1 runs the same steps on the CPU with the tiny grid (--bench-device=cpu --bench-tiny,
# seconds; CI does): file names start with rehearsal- instead of gpu-full-. PYTHON picks the interpreter
# (default python3); CPU_RESULTS the CPU JSON for the comparison ("" for none). The suite is stopped with
# SIGINT after SEQLAB_BENCH_SUITE_LIMIT_S seconds (default 420, the estimate being ~2 minutes), which still
# writes the JSON of the cases done, so the call ends inside 10 minutes with what was measured.
set -uo pipefail
: "${OUT:?set OUT to the folder for the results}"
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 MPLBACKEND=Agg
PYTHON=${PYTHON:-python3}
SUITE_LIMIT_S=${SEQLAB_BENCH_SUITE_LIMIT_S:-420}
CPU_RESULTS=${CPU_RESULTS-benchmarks/results/cpu-quick_AMD-EPYC_1thread.json}
if [ "${SEQLAB_BENCH_REHEARSAL:-0}" = 1 ]; then
    DEVICE=cpu GRID=--bench-tiny NAME=rehearsal
else
    DEVICE=cuda GRID= NAME=gpu-full
fi
mkdir -p "$OUT"

run() {
    local start=$SECONDS status
    echo "== machine ($(date -u +%FT%TZ))"
    if command -v nvidia-smi >/dev/null; then  # queries only: the card's settings are left as they are
        nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,temperature.gpu,power.draw \
            --format=csv
    fi
    "$PYTHON" -m benchmarks.machine --require "$DEVICE" || return 1
    "$PYTHON" -c 'import os; print("load average", os.getloadavg())'

    echo "== suite: --bench-device=$DEVICE $GRID (stopped after ${SUITE_LIMIT_S} s)"
    timeout --signal=INT --kill-after=30 "$SUITE_LIMIT_S" \
        "$PYTHON" -m pytest benchmarks -p no:cacheprovider -v -rs --bench-device="$DEVICE" $GRID \
        --benchmark-json="$OUT/$NAME.json" --benchmark-columns=median,iqr,rounds,iterations
    status=$?
    echo "== suite exit status $status after $((SECONDS - start)) s"
    [ -f "$OUT/$NAME.json" ] || return "$((status ? status : 1))"

    echo "== report"
    local inputs=("$OUT/$NAME.json")
    if [ -n "$CPU_RESULTS" ] && [ -f "$CPU_RESULTS" ]; then inputs=("$CPU_RESULTS" "${inputs[@]}"); fi
    "$PYTHON" -m benchmarks.report "${inputs[@]}" --out "$OUT/$NAME" || return 1
    echo "== done in $((SECONDS - start)) s, suite status $status; files:"
    ls -l "$OUT" "$OUT/$NAME"
    return "$status"
}

run 2>&1 | tee "$OUT/$NAME.log"
