// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// The function body is complete up to its closing brace, which is missing.
// CHECK: [[FILE]]:[[@LINE+4]]:36: error: expected operation name in quotes

func.func @truncated_missing_brace(%q: tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16> {
  %o = mix.attention %q, %q, %q {causal} : (tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16>
  return %o : tensor<1x2x16x32xf16>
