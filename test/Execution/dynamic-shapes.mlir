// Dynamic dimensions take their sizes from the inputs; the result's shape
// comes back from the callee.
// RUN: rm -rf %t && %python %S/Inputs/attention_reference.py %t
// RUN: mixc-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy --expect %t/out.npy | FileCheck %s
// RUN: %expect-exit 1 mixc-run %s --random-inputs 3 2>&1 | FileCheck %s --check-prefix=RANDOM

// CHECK: result0: 2x4x13x16xf32
// CHECK: result0: max abs error {{.*}}: ok
// RANDOM: mixc-run: error: --random-inputs needs static shapes, but argument #0 has dynamic dimensions; give --input

func.func @dynamic_windowed_gqa(%q: tensor<?x4x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>)
    -> tensor<?x4x?x16xf32> {
  %o = mix.attention %q, %k, %v {causal, window_left = 3 : i64, sink_tokens = 2 : i64}
      : (tensor<?x4x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>) -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}
