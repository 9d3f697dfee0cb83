// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// An unknown #mix.feature_map value.
// CHECK: [[FILE]]:[[@LINE+4]]:72: error: expected ::mixc::mix::FeatureMap to be one of: identity, elu_plus_one, relu
// CHECK: [[FILE]]:[[@LINE+3]]:79: error: failed to parse Mix_FeatureMapAttr parameter 'value' which is to be a `::mixc::mix::FeatureMap`

func.func @unknown_feature_map(%q: tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32> {
  %o = mix.linear_attention %q, %q, %q {feature_map = #mix.feature_map<softmax>} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return %o : tensor<1x4x16x32xf32>
}
