// RUN: mixc-opt %s -split-input-file -verify-diagnostics

// The lse result must be a ranked f32 tensor.
// Regression: an unranked lse was once accepted and its rank read as garbage.

func.func @attention_lse_unranked(%q: tensor<1x1x16x16xf16>) {
  // expected-error @+1 {{'mix.attention' op result #1 must be ranked tensor of 32-bit float values, but got 'tensor<*xf32>'}}
  %o, %lse = mix.attention %q, %q, %q : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>) -> (tensor<1x1x16x16xf16>, tensor<*xf32>)
  return
}
