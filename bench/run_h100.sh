#!/bin/bash
# One device call: build the runtime alone, check every compiled kernel with
# mixc-bench (full reference check on the check-* cases, sampled on bench-*),
# then time the bench-* kernels of each set against its peers
# (bench/<set>.py). Kernels come from bench/make_kernels.py (run here, carried
# as .kernels); only the sets present there run. Results go to $OUT (default
# bench/results/latest).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results/latest}
mkdir -p "$OUT"
cmake -G Ninja -S . -B build-rt -DMIXC_RUNTIME_ONLY=ON -DCMAKE_BUILD_TYPE=Release > "$OUT/build.log" 2>&1 &&
  ninja -C build-rt >> "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv > "$OUT/gpu.txt"
status=0
for set in ${SETS:-attention ssd monarch}; do
  [ -d ".kernels/$set" ] || continue
  checks=(.kernels/$set/check-*/*_0.json)
  benches=(.kernels/$set/bench-*/*_0.json)
  if [ -e "${checks[0]}" ]; then
    build-rt/bin/mixc-bench "${checks[@]}" --check=full \
      --results "$OUT/$set-checks.jsonl" > "$OUT/$set-checks.txt" 2>&1 || status=1
  fi
  if [ -e "${benches[0]}" ]; then
    build-rt/bin/mixc-bench "${benches[@]}" --check=sample \
      --results "$OUT/$set-bench.jsonl" > "$OUT/$set-mixc-bench.txt" 2>&1 || status=1
    PYTHONUNBUFFERED=1 MIXRT_LIBRARY=build-rt/lib/libmixrt.so python3 "bench/$set.py" ".kernels/$set" \
      --json "$OUT/$set.json" > "$OUT/$set.txt" 2>&1 || status=1
  fi
  cat "$OUT/$set-checks.txt" "$OUT/$set-mixc-bench.txt" 2>/dev/null | grep -v "^$" | tail -40
  cat "$OUT/$set.txt" 2>/dev/null
done
exit $status
