// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// The file ends after the first operand of an op.
// CHECK: [[FILE]]:[[@LINE+3]]:23: error: expected ','

func.func @truncated_mid_operands(%q: tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16> {
  %o = mix.attention %q