// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// A memref where mix.ssd takes a tensor.
// CHECK: [[FILE]]:[[@LINE+3]]:8: error: 'mix.ssd' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'memref<1x16x4x8xf32>'

func.func @wrong_operand_type_memref(%x: memref<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32> {
  %y = mix.ssd %x, %dt, %A, %B, %B : (memref<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return %y : tensor<1x16x4x8xf32>
}
