// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// An attribute the mix dialect does not define.
// CHECK: [[FILE]]:[[@LINE+3]]:60: error: unknown attribute `frobnicate` in dialect `mix`

func.func @unknown_attribute(%q: tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32> {
  %o = mix.linear_attention %q, %q, %q {feature_map = #mix.frobnicate<>} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return %o : tensor<1x4x16x32xf32>
}
