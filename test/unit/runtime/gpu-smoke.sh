#!/usr/bin/env bash
# End-to-end GPU test of libmixrt, mixc-bench and python/mixrt.py with the
# hand-written kernels of naive_kernels.cu (memref ABI, as mixc emits):
# builds them with nvcc as cubin and PTX, writes their launch manifests, and
# checks that mixc-bench passes the correct kernels (sampled and full checks,
# dynamic shared memory past 48 KiB, a PTX module, a 3-D grid, mixed dtypes)
# and fails the wrong ones with the right message; then runs
# test_mixrt.py under PyTorch when it is installed.
#
# usage: gpu-smoke.sh BUILD_DIR   (BUILD_DIR/bin/mixc-bench, lib/libmixrt.so)
# Exit status 77 (ctest: skipped) without nvcc or without a GPU.
set -u -o pipefail

build=$(cd "${1:?usage: gpu-smoke.sh BUILD_DIR}" && pwd) || exit 1
here=$(cd "$(dirname "$0")" && pwd)
bench=$build/bin/mixc-bench
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
[ -x "$nvcc" ] || { echo "skipped: no nvcc"; exit 77; }
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null |
  head -1 | tr -d '. ')
[ -n "$cap" ] || { echo "skipped: no GPU (nvidia-smi)"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/good" "$work/bad"
"$nvcc" -arch="sm_$cap" -O2 -cubin -o "$work/good/naive.cubin" \
  "$here/naive_kernels.cu" || exit 1
"$nvcc" -arch="sm_$cap" -O2 -ptx -o "$work/good/naive.ptx" \
  "$here/naive_kernels.cu" || exit 1
cp "$work/good/naive.cubin" "$work/bad/"

# manifest FILE KERNEL FORMAT OP ATTRS BLOCK GRID SHARED ARGS
manifest() {
  cat >"$1" <<EOF
{"schema_version": 1, "kernel": "$2", "binary": "naive.$3", "format": "$3",
 "arch": "sm_$cap", "op": "$4", "attrs": $5,
 "schedule": {"template": "naive", "params": {"chunk_size": 64}},
 "block": $6, "grid": $7, "shared_bytes": $8, "abi": "memref",
 "args": $9}
EOF
}
bf16() { echo "{\"name\": \"$1\", \"role\": \"$2\", \"dtype\": \"bf16\", \"shape\": $3}"; }
f32() { echo "{\"name\": \"$1\", \"role\": \"$2\", \"dtype\": \"f32\", \"shape\": $3}"; }
rows='[[{"arg": 0, "dim": 2, "ceildiv": 128}], [{"arg": 0, "dim": 0}, {"arg": 0, "dim": 1}], []]'

manifest "$work/good/attention_causal_lse.json" attention_causal_lse cubin \
  mix.attention '{"causal": true, "window_left": -1, "sink_tokens": 0}' \
  '[128, 1, 1]' "$rows" 100000 "[$(bf16 query input '[2, 8, 1024, 64]'),
  $(bf16 key input '[2, 2, 1024, 64]'), $(bf16 value input '[2, 2, 1024, 64]'),
  $(bf16 result output '[2, 8, 1024, 64]'), $(f32 lse output '[2, 8, 1024]')]"
manifest "$work/good/attention_full.json" attention_full cubin \
  mix.attention '{}' '[128, 1, 1]' "$rows" 0 \
  "[$(bf16 query input '[1, 4, 4096, 128]'), $(bf16 key input '[1, 4, 4096, 128]'),
  $(bf16 value input '[1, 4, 4096, 128]'), $(bf16 result output '[1, 4, 4096, 128]')]"
manifest "$work/good/attention_sliding.json" attention_sliding_sinks cubin \
  mix.attention '{"causal": true, "window_left": 256, "window_right": -1, "sink_tokens": 4}' \
  '[128, 1, 1]' "$rows" 0 \
  "[$(bf16 query input '[1, 2, 2048, 64]'), $(bf16 key input '[1, 2, 2048, 64]'),
  $(bf16 value input '[1, 2, 2048, 64]'), $(bf16 result output '[1, 2, 2048, 64]')]"
manifest "$work/good/ssd.json" ssd_recurrence cubin mix.ssd \
  '{"dt_softplus": true, "direction": "forward"}' '[32, 1, 1]' \
  '[[{"arg": 0, "dim": 3, "ceildiv": 32}], [{"arg": 0, "dim": 2}], [{"arg": 0, "dim": 0}]]' 0 \
  "[$(bf16 x input '[2, 1024, 4, 64]'), $(f32 dt input '[2, 1024, 4]'),
  $(f32 A input '[4]'), $(bf16 B input '[2, 1024, 2, 64]'),
  $(bf16 C input '[2, 1024, 2, 64]'), $(f32 D input '[4]'),
  $(bf16 y output '[2, 1024, 4, 64]')]"
monarchGrid='[[{"arg": 3, "dim": 1, "ceildiv": 128}], [{"arg": 0, "dim": 0}], []]'
monarchArgs="[$(f32 input input '[4096, 1024]'), $(f32 first_factor input '[32, 32, 32]'),
  $(f32 second_factor input '[32, 32, 32]'), $(f32 result output '[4096, 1024]')]"
manifest "$work/good/monarch.json" monarch ptx mix.monarch '{}' '[128, 1, 1]' \
  "$monarchGrid" 0 "$monarchArgs"

manifest "$work/bad/monarch_half_written.json" monarch_half_written cubin \
  mix.monarch '{}' '[128, 1, 1]' "$monarchGrid" 0 "$monarchArgs"
manifest "$work/bad/attention_ignores_mask.json" attention_ignores_mask cubin \
  mix.attention '{"causal": true}' '[128, 1, 1]' "$rows" 0 \
  "[$(bf16 query input '[1, 2, 512, 64]'), $(bf16 key input '[1, 2, 512, 64]'),
  $(bf16 value input '[1, 2, 512, 64]'), $(bf16 result output '[1, 2, 512, 64]')]"
manifest "$work/bad/unknown_op.json" monarch cubin mix.permute '{}' \
  '[128, 1, 1]' "$monarchGrid" 0 "$monarchArgs"

mkdir -p "$work/dynamic"
cp "$work/good/naive.cubin" "$work/dynamic/"
manifest "$work/dynamic/attention_dynamic.json" attention_full cubin \
  mix.attention '{}' '[128, 1, 1]' "$rows" 0 \
  "[$(bf16 query input '[1, 4, -1, 128]'), $(bf16 key input '[1, 4, 1000, 128]'),
  $(bf16 value input '[1, 4, 1000, 128]'), $(bf16 result output '[1, 4, -1, 128]')]"
mkdir -p "$work/fault"
cp "$work/good/naive.cubin" "$work/fault/"
manifest "$work/fault/a_faults.json" monarch_faults cubin mix.monarch '{}' \
  '[128, 1, 1]' "$monarchGrid" 0 "$monarchArgs"
manifest "$work/fault/b_monarch.json" monarch cubin mix.monarch '{}' \
  '[128, 1, 1]' "$monarchGrid" 0 "$monarchArgs"

status=0
expect() { # expect WHAT ACTUAL EXPECTED
  if [ "$2" != "$3" ]; then
    echo "FAILED: $1: exit status $2, expected $3"
    status=1
  fi
}
expectLine() { # expectLine FILE TEXT
  grep -qF -- "$2" "$1" || { echo "FAILED: no line with: $2"; status=1; }
}

echo "== good kernels, sampled check"
"$bench" "$work/good" --results "$work/results.jsonl" | tee "$work/good.log"
expect "mixc-bench good" "$?" 0
echo "== good kernels, full check"
"$bench" "$work/good/attention_causal_lse.json" "$work/good/attention_sliding.json" \
  "$work/good/ssd.json" "$work/good/monarch.json" --check=full --iters 5 \
  --warmup 1 | tee "$work/full.log"
expect "mixc-bench --check=full" "$?" 0
echo "== wrong kernels"
"$bench" "$work/bad" --iters 3 --warmup 1 | tee "$work/bad.log"
expect "mixc-bench bad" "$?" 1
expectLine "$work/bad.log" "output 'result' element 1024 was never written (2097152 of 4194304 elements)"
expectLine "$work/bad.log" "output 'result': relative L2 error"
expectLine "$work/bad.log" "; worst at ["
expectLine "$work/bad.log" "unknown op 'mix.permute'"
expectLine "$work/bad.log" "3 kernel(s): 0 passed, 3 failed"
echo "== dynamic sizes from --shape"
"$bench" "$work/dynamic" --shape query=1x4x300x128 --shape result=1x4x300x128 \
  --check=full --iters 3 | tee "$work/dynamic.log"
expect "mixc-bench --shape" "$?" 0
"$bench" "$work/dynamic" --iters 3 | tee "$work/dynamic.log"
expect "mixc-bench without --shape" "$?" 1
expectLine "$work/dynamic.log" "argument 'query' has dynamic dimension 2; give its sizes with --shape query=AxB..."
echo "== a faulting kernel"
"$bench" "$work/fault" --iters 3 --warmup 1 | tee "$work/fault.log"
expect "mixc-bench fault" "$?" 1
expectLine "$work/fault.log" "the kernel faulted: mixrt: cuCtxSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS"
expectLine "$work/fault.log" "not run: the CUDA context was lost when $work/fault/a_faults.json faulted"
lines=$(wc -l <"$work/results.jsonl")
expect "results lines" "$lines" 5
python3 - "$work/results.jsonl" <<'EOF' || status=1
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert r["status"] == "PASS" and r["time_ms"] > 0 and r["error"] < 1e-2, r
print("results.jsonl: 5 valid lines")
EOF

if python3 -c "import torch" 2>/dev/null; then
  echo "== python/mixrt.py"
  MIXRT_LIBRARY="$build/lib/libmixrt.so" PYTHONPATH="$here/../../../python" \
    python3 "$here/test_mixrt.py" "$work/good"
  expect "test_mixrt.py" "$?" 0
else
  echo "python/mixrt.py: skipped (no PyTorch)"
fi

[ "$status" = 0 ] && echo "gpu-smoke: all checks passed"
exit "$status"
