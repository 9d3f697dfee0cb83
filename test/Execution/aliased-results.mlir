// Results that alias an argument, each other or a constant run and are freed
// once (regressions: bufferization.clone reached LLVM translation; a value
// returned twice was freed twice).
// RUN: mixc-run %s --random-inputs 1 | FileCheck %s
// CHECK: result0: 4xf32 [[STATS:.*]]
// CHECK-NEXT: result1: 4xf32 [[STATS]]
// CHECK-NEXT: result2: 4xf32 min 2 max 2 mean 2
func.func @aliased(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c = arith.constant dense<2.0> : tensor<4xf32>
  return %x, %x, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
