#!/usr/bin/env bash
# Builds mixc (installing what is missing) and runs the pipeline as far as it
# goes today: parse and verify mix ops, decompose them to linalg (the reference
# semantics), JIT-run on the CPU, check attention against NumPy, and import a
# GPT block exported by PyTorch, raising its attention to mix.attention and
# matching onnxruntime's output; then pick schedules with the cost model
# trained on the committed measurements and compile GPU kernels (cubins for
# sm_90a and launch manifests; running them needs a GPU: mixc-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
bin=build/bin
out=build/demo
rm -rf "$out" && mkdir -p "$out"

echo
echo "== 1. parse and verify examples/mixers.mlir (causal GQA attention with window + sinks, Mamba-2 SSD, Monarch)"
"$bin/mixc-opt" examples/mixers.mlir > "$out/verified.mlir"
grep -oE "mix\.[a-z_]+ [^:]*" "$out/verified.mlir" | cut -c1-140

echo
echo "== 2. a model with a mistake is rejected at the op (exit 1):"
if "$bin/mixc-opt" examples/gqa-mismatch.mlir > /dev/null 2> "$out/error.txt"; then
  echo "unexpected: the bad model verified"; exit 1
fi
head -3 "$out/error.txt"

echo
echo "== 3. --mix-decompose: the same block as linalg/tensor/scf (the CPU reference semantics)"
"$bin/mixc-opt" examples/mixers.mlir --mix-decompose > "$out/decomposed.mlir"
for op in linalg.generic scf.for tensor.extract_slice tensor.expand_shape; do
  printf '   %-22s %4d\n' "$op" "$(grep -c "$op" "$out/decomposed.mlir")"
done

echo
echo "== 4. mixc-run: JIT-compile and run the block on the CPU with seeded random activations"
"$bin/mixc-run" examples/mixers.mlir --random-inputs 1 --output-dir "$out"

echo
echo "== 5. mixc-run against an independent NumPy attention (causal, GQA 4:2, window 3, 2 sinks)"
# Debian's python3 has numpy (python3-numpy, installed by setup.sh); a python3
# earlier on PATH (pyenv, a venv) may not: the tests make the same choice.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" test/Execution/Inputs/attention_reference.py "$out/numpy"
"$bin/mixc-run" test/Execution/mixc-run.mlir --input "$out/numpy/q.npy" \
  --input "$out/numpy/k.npy" --input "$out/numpy/v.npy" \
  --expect "$out/numpy/out.npy" --rtol 1e-5 --atol 1e-6

echo
echo "== 6. ONNX: a GPT block exported by PyTorch 2.11 (LayerNorm, fused QKV, causal attention, GELU MLP)"
gpt=test/Import/models/pytorch/gpt_block
"$bin/mixc-translate" --import-onnx "$gpt/model.onnx" -o "$out/gpt_block.mlir"
echo "   imported: $(grep -c 'linalg.generic' "$out/gpt_block.mlir") linalg.generic ops and:"
grep -oE "mix\.attention [^:]*" "$out/gpt_block.mlir" | sed 's/^/   /' | cut -c1-110
"$bin/mixc-run" "$out/gpt_block.mlir" --input "$gpt/input_0.npy" \
  --expect "$gpt/output_0.npy" --rtol 1e-4 --atol 1e-5 | sed 's/^/   /'

echo
echo "== 7. schedules: train the cost model on the committed GPU measurements, let it pick"
"$bin/mixc-costmodel" train costmodel/data/h100/*.jsonl -o "$out/model.json" | sed 's/^/   /'
"$bin/mixc-opt" --mix-assign-schedules="model=$out/model.json" bench/tune/h100.mlir |
  grep -oE "mix\.(attention|ssd|monarch) .*schedule = #mix\.schedule<[^>]*>" |
  sed -E 's/^(mix\.[a-z]+) .*(mix\.schedule_source = "[a-z]+"), schedule = /   \1: \2 /'

echo
echo "== 8. GPU kernels: the tuning run's best schedules (bench/tune), else the model's, compiled for sm_90a"
"$bin/mixc" bench/tune/h100.mlir -o "$out/kernels" \
  --tuning-db bench/tune/h100-tuning.jsonl --cost-model "$out/model.json" | sed 's/^/   /'
echo "   on a GPU machine: build-rt/bin/mixc-bench $out/kernels (README: the runtime builds alone)"
