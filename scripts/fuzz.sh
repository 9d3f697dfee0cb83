#!/usr/bin/env bash
# Fuzzes the ONNX importer with libFuzzer + AddressSanitizer for a bounded
# time: scripts/fuzz.sh [SECONDS] (default 60). Builds build-fuzz/ with clang
# (only the importer and its fuzz target), seeds the corpus with the test
# models, and exits non-zero when the fuzzer finds a crash (the reproducer is
# left in build-fuzz/crashes/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

CXX=${MIXC_FUZZ_CXX:-$(command -v clang++ || true)}
CC=${MIXC_FUZZ_CC:-$(command -v clang || true)}
if [[ -z "$CXX" || -z "$CC" ]]; then
  echo "fuzz: clang is not installed; skipping (apt-get install clang libclang-rt-14-dev)"
  exit 0
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}' |
    "$CXX" -x c++ -fsanitize=fuzzer - -o /dev/null 2>/dev/null; then
  echo "fuzz: $CXX has no libFuzzer runtime; skipping (apt-get install libclang-rt-14-dev)"
  exit 0
fi

if [[ ! -f build-fuzz/build.ninja ]]; then
  cmake -G Ninja -S . -B build-fuzz -DMIXC_BUILD_FUZZERS=ON \
    -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=Debug > /dev/null
fi
cmake --build build-fuzz --target onnx-import-fuzzer

corpus=build-fuzz/corpus
mkdir -p "$corpus" build-fuzz/crashes
for model in test/Import/models/pytorch/*/model.onnx \
             /usr/share/libonnx-testdata/data/node/test_{add,matmul,softmax_axis_0,reshape_extended_dims,slice,gather_0,layer_normalization_2d_axis0,einsum_batch_matmul,where_example,cumsum_1d}/model.onnx; do
  [[ -f "$model" ]] && cp "$model" "$corpus/$(echo "$model" | tr '/' '_')"
done
echo "fuzz: running onnx-import-fuzzer for ${seconds}s"
ASAN_OPTIONS=detect_leaks=0 build-fuzz/bin/onnx-import-fuzzer "$corpus" \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=200000 \
  -artifact_prefix=build-fuzz/crashes/ -print_final_stats=1 2>&1 |
  grep -E "^(#[0-9]+ +(DONE|INITED)|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" || true
if compgen -G "build-fuzz/crashes/*" > /dev/null; then
  echo "fuzz: FAILED, reproducers in build-fuzz/crashes/"
  exit 1
fi
echo "fuzz: no crash"
