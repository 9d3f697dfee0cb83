#!/bin/bash
# One device call: build the runtime alone, check every compiled kernel with
# mixc-bench (full reference check on the check-* cases, sampled on bench-*),
# then time the bench-* kernels against PyTorch SDPA and Triton. Kernels come
# from bench/make_kernels.py (run here, carried as .kernels). Results go to
# $OUT (default bench/results/latest).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/latest}
mkdir -p "$OUT"
cmake -G Ninja -S . -B build-rt -DMIXC_RUNTIME_ONLY=ON -DCMAKE_BUILD_TYPE=Release > "$OUT/build.log" 2>&1 &&
  ninja -C build-rt >> "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv > "$OUT/gpu.txt"
status=0
build-rt/bin/mixc-bench .kernels/attention/check-*/attention_0.json --check=full \
  --results "$OUT/checks.jsonl" > "$OUT/checks.txt" 2>&1 || status=1
build-rt/bin/mixc-bench .kernels/attention/bench-*/attention_0.json --check=sample \
  --results "$OUT/bench.jsonl" > "$OUT/mixc-bench.txt" 2>&1 || status=1
PYTHONUNBUFFERED=1 MIXRT_LIBRARY=build-rt/lib/libmixrt.so python3 bench/attention.py .kernels/attention \
  --json "$OUT/attention.json" > "$OUT/attention.txt" 2>&1 || status=1
cat "$OUT/checks.txt" "$OUT/mixc-bench.txt" | grep -v "^$" | tail -40
cat "$OUT/attention.txt"
exit $status
