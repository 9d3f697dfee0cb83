// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// The op's functional type does not match the operand's declared type.
// CHECK: [[FILE]]:[[@LINE+3]]:22: error: use of value '%q' expects different type than prior uses: 'tensor<1x2x16x32xf32>' vs 'tensor<1x2x16x32xf16>'

func.func @type_signature_mismatch(%q: tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16> {
  %o = mix.attention %q, %q, %q : (tensor<1x2x16x32xf32>, tensor<1x2x16x32xf32>, tensor<1x2x16x32xf32>) -> tensor<1x2x16x32xf16>
  return %o : tensor<1x2x16x32xf16>
}
