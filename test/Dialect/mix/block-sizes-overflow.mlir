// RUN: mixc-opt %s -split-input-file | mixc-opt -split-input-file | FileCheck %s

// Block sizes larger than the lengths give one block per side, whatever
// their magnitude.
// Regression: ceil(L / block) once overflowed for block sizes near INT64_MAX.

// CHECK-LABEL: func @attention_block_sizes_int64_max(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} block_mask(%{{.*}}) {block_sizes = array<i64: 9223372036854775807, 9223372036854775807>} : (tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x1x1xi1>) -> tensor<1x1x100x16xf32>
func.func @attention_block_sizes_int64_max(%q: tensor<1x1x100x16xf32>, %m: tensor<1x1x1x1xi1>) -> tensor<1x1x100x16xf32> {
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 9223372036854775807, 9223372036854775807>} : (tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x1x1xi1>) -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}
