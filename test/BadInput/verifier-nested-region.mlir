// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// A verifier failure inside a nested region (an scf.if) is located at the op.
// CHECK: [[FILE]]:[[@LINE+5]]:10: error: 'mix.permute' op indices row 0 is not a permutation of 0..3: value 3 appears twice

func.func @nested(%c: i1, %x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %p = arith.constant dense<[3, 1, 3, 0]> : tensor<4xi32>
  %r = scf.if %c -> tensor<4x8xf32> {
    %y = mix.permute %x, %p {axis = 0 : i64} : (tensor<4x8xf32>, tensor<4xi32>) -> tensor<4x8xf32>
    scf.yield %y : tensor<4x8xf32>
  } else {
    scf.yield %x : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}
