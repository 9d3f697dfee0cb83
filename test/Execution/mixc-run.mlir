// mixc-run against an independent NumPy reference, and its errors.
// RUN: rm -rf %t && %python %S/Inputs/attention_reference.py %t
// RUN: mixc-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy \
// RUN:   --output-dir %t/result --expect %t/out.npy --rtol 1e-5 --atol 1e-6 | FileCheck %s
// RUN: %expect-exit 1 mixc-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy \
// RUN:   --expect %t/wrong.npy | FileCheck %s --check-prefix=WRONG
// The result written by the first run is read back as the expectation.
// RUN: mixc-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy --expect %t/result/result0.npy \
// RUN:   --rtol 0 --atol 0 | FileCheck %s --check-prefix=SAME

// RUN: %expect-exit 1 mixc-run %s --input %t/q.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: %expect-exit 1 mixc-run %s --input %t/q_f64.npy --input %t/k.npy --input %t/v.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DTYPE
// RUN: %expect-exit 1 mixc-run %s --input %t/q_short.npy --input %t/k.npy --input %t/v.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SHAPE
// RUN: %expect-exit 1 mixc-run %s --input %t/q.npy --input %t/k.npy --input %t/missing.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSING
// RUN: %expect-exit 1 mixc-run %s --entry nope --random-inputs 1 2>&1 | FileCheck %s --check-prefix=ENTRY

// CHECK: @windowed_gqa ran on the CPU in
// CHECK: result0: 2x4x13x16xf32
// CHECK: result0: max abs error {{.*}} (atol 1e-06, rtol 1e-05): ok

// WRONG: result0: max abs error 0.01{{.*}}: 1 of 1664 elements over tolerance

// SAME: result0: max abs error 0, max rel error 0 {{.*}}: ok

// COUNT: mixc-run: error: @windowed_gqa takes 3 inputs, got 1 --input files
// DTYPE: mixc-run: error: input #0 (tensor<2x4x13x16xf32> in @windowed_gqa): dtype f64 does not match f32
// SHAPE: mixc-run: error: input #0 (tensor<2x4x13x16xf32> in @windowed_gqa): shape (2, 4, 12, 16) does not match
// MISSING: mixc-run: error: {{.*}}missing.npy
// ENTRY: mixc-run: error: no function @nope with a body in the module

func.func @windowed_gqa(%q: tensor<2x4x13x16xf32>, %k: tensor<2x2x13x16xf32>, %v: tensor<2x2x13x16xf32>)
    -> tensor<2x4x13x16xf32> {
  %o = mix.attention %q, %k, %v {causal, window_left = 3 : i64, sink_tokens = 2 : i64}
      : (tensor<2x4x13x16xf32>, tensor<2x2x13x16xf32>, tensor<2x2x13x16xf32>) -> tensor<2x4x13x16xf32>
  return %o : tensor<2x4x13x16xf32>
}
