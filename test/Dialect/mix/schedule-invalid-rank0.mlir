// RUN: mixc-opt %s -split-input-file -verify-diagnostics

// An attention op with a rank-0 query or value and an attention schedule
// must get the op's rank error, not a crash.
// Regression: the schedule's head-dim rule once read past a rank-0 shape.

func.func @schedule_attention_rank0_query(%q: tensor<f16>) {
  // expected-error @+1 {{'mix.attention' op query must have rank 4 ([B, Hq, Lq, D]), got rank 0}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<f16>, tensor<f16>, tensor<f16>) -> tensor<f16>
  return
}

// -----

func.func @schedule_attention_rank0_value(%q: tensor<1x2x64x64xf16>, %v: tensor<f16>) {
  // expected-error @+1 {{'mix.attention' op value must have rank 4 ([B, Hkv, Lk, Dv]), got rank 0}}
  %o = mix.attention %q, %q, %v {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<f16>) -> tensor<1x2x64x64xf16>
  return
}
