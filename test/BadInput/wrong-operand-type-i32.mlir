// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// A tensor of i32 as the query of mix.attention.
// CHECK: [[FILE]]:[[@LINE+3]]:8: error: 'mix.attention' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type or 8-bit signless integer values, but got 'tensor<1x2x16x32xi32>'

func.func @wrong_operand_type_i32(%q: tensor<1x2x16x32xi32>, %k: tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16> {
  %o = mix.attention %q, %k, %k : (tensor<1x2x16x32xi32>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16>
  return %o : tensor<1x2x16x32xf16>
}
