// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// The file ends in the middle of an op's type signature (no newline at the
// end of the file): the error points at the end of the file.
// CHECK: [[FILE]]:[[@LINE+3]]:77: error: expected 'x' in dimension list

func.func @truncated_mid_type(%q: tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16> {
  %o = mix.attention %q, %q, %q {causal} : (tensor<1x2x16x32xf16>, tensor<1x2