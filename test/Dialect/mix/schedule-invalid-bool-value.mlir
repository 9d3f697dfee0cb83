// RUN: mixc-opt %s -split-input-file -verify-diagnostics

// Schedule parameter values are integers; `true` and `false` are not.
// Regression: `true`/`false` were once parsed as the integers 1 and -1.

func.func @schedule_param_false(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{schedule parameter 'tma' must be an integer, got 'false'}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {tma = false}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_param_true(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{schedule parameter 'block_m' must be an integer, got 'true'}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = true}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}
