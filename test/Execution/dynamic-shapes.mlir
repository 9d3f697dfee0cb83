// Dynamic dimensions take their sizes from the inputs; the result's shape
// comes back from the callee.
// RUN: rm -rf %t && %python %S/Inputs/attention_reference.py %t
// RUN: mixc-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy --expect %t/out.npy | FileCheck %s
// RUN: %expect-exit 1 mixc-run %s --random-inputs 3 2>&1 | FileCheck %s --check-prefix=RANDOM
// Sizes that contradict each other are reported at the op that needs them equal.
// RUN: %expect-exit 1 mixc-run %s --input %t/q.npy --input %t/k_one_batch.npy --input %t/v.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISMATCH

// CHECK: result0: 2x4x13x16xf32
// CHECK: result0: max abs error {{.*}}: ok
// RANDOM: mixc-run: error: --random-inputs needs static shapes, but argument #0 has dynamic dimensions; give --input
// MISMATCH: mixc-run: error: the input sizes do not fit @dynamic_windowed_gqa:
// MISMATCH-NEXT: {{.*}}dynamic-shapes.mlir:[[# @LINE + 4]]:8: 'mix.attention' op key batch (1) must equal query batch (2)

func.func @dynamic_windowed_gqa(%q: tensor<?x4x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>)
    -> tensor<?x4x?x16xf32> {
  %o = mix.attention %q, %k, %v {causal, window_left = 3 : i64, sink_tokens = 2 : i64}
      : (tensor<?x4x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>) -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}
