// RUN: %expect-exit 0 mixc-opt %s 2> %t.err | FileCheck %s
// RUN: count 0 < %t.err

// A module whose functions use no mix op, with a named module and a
// #mix.schedule in a module attribute: parses and prints, exit status 0.

// CHECK:      module @no_mix_ops attributes {mix.default_schedule = #mix.schedule<attention.wgmma, {}>} {
// CHECK-NEXT:   func.func @identity(%[[ARG:.*]]: tensor<4xf32>) -> tensor<4xf32> {
// CHECK-NEXT:     return %[[ARG]] : tensor<4xf32>
// CHECK-NEXT:   }
// CHECK-NEXT: }

module @no_mix_ops attributes {mix.default_schedule = #mix.schedule<attention.wgmma, {}>} {
  func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
