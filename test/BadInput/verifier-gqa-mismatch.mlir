// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// An op verifier failure (grouped-query heads that do not divide), in the
// second function of the file, after a valid op.
// CHECK: [[FILE]]:[[@LINE+8]]:8: error: 'mix.attention' op key head count (3) must divide query head count (8)

func.func @valid(%q: tensor<1x8x16x32xf16>, %k: tensor<1x2x16x32xf16>) -> tensor<1x8x16x32xf16> {
  %o = mix.attention %q, %k, %k : (tensor<1x8x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> tensor<1x8x16x32xf16>
  return %o : tensor<1x8x16x32xf16>
}

func.func @gqa_mismatch(%q: tensor<1x8x16x32xf16>, %k: tensor<1x3x16x32xf16>) -> tensor<1x8x16x32xf16> {
  %o = mix.attention %q, %k, %k {causal} : (tensor<1x8x16x32xf16>, tensor<1x3x16x32xf16>, tensor<1x3x16x32xf16>) -> tensor<1x8x16x32xf16>
  return %o : tensor<1x8x16x32xf16>
}
