// RUN: mixc-opt %s -split-input-file -verify-diagnostics

// One case per verifier rule of the mix ops (MixOps.cpp) and per ODS type
// constraint class, each with its exact message. Schedule errors are in
// schedule-invalid.mlir.

//===----------------------------------------------------------------------===//
// mix.attention: ODS type constraints
//===----------------------------------------------------------------------===//

func.func @attention_i32_query(%q: tensor<1x1x16x16xi32>) {
  // expected-error @+1 {{'mix.attention' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type or 8-bit signless integer values, but got 'tensor<1x1x16x16xi32>'}}
  %o = mix.attention %q, %q, %q : (tensor<1x1x16x16xi32>, tensor<1x1x16x16xi32>, tensor<1x1x16x16xi32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_memref_query(%q: memref<1x1x16x16xf16>, %k: tensor<1x1x16x16xf16>) {
  // expected-error @+1 {{'mix.attention' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type or 8-bit signless integer values, but got 'memref<1x1x16x16xf16>'}}
  %o = mix.attention %q, %k, %k : (memref<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_unranked_key(%q: tensor<1x1x16x16xf16>, %k: tensor<*xf16>) {
  // expected-error @+1 {{'mix.attention' op operand #1 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type or 8-bit signless integer values, but got 'tensor<*xf16>'}}
  %o = mix.attention %q, %k, %q : (tensor<1x1x16x16xf16>, tensor<*xf16>, tensor<1x1x16x16xf16>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_f64_value(%q: tensor<1x1x16x16xf16>, %v: tensor<1x1x16x16xf64>) {
  // expected-error @+1 {{'mix.attention' op operand #2 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type or 8-bit signless integer values, but got 'tensor<1x1x16x16xf64>'}}
  %o = mix.attention %q, %q, %v : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf64>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_i8_bias(%q: tensor<1x1x16x16xf16>, %b: tensor<1x1x16x16xi8>) {
  // expected-error @+1 {{'mix.attention' op operand #3 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<1x1x16x16xi8>'}}
  %o = mix.attention %q, %q, %q bias(%b) : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xi8>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_f16_block_mask(%q: tensor<1x1x16x16xf16>, %m: tensor<1x1x1x1xf16>) {
  // expected-error @+1 {{'mix.attention' op operand #3 must be ranked tensor of 1-bit signless integer or 8-bit signless integer values, but got 'tensor<1x1x1x1xf16>'}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 16, 16>} : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x1x1xf16>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_i8_output(%q: tensor<1x1x16x16xi8>) {
  // expected-error @+1 {{'mix.attention' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x1x16x16xi8>'}}
  %o = mix.attention %q, %q, %q : (tensor<1x1x16x16xi8>, tensor<1x1x16x16xi8>, tensor<1x1x16x16xi8>) -> tensor<1x1x16x16xi8>
  return
}

// -----

func.func @attention_f8_output(%q: tensor<1x1x16x16xf8E4M3FN>) {
  // expected-error @+1 {{'mix.attention' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x1x16x16xf8E4M3FN>'}}
  %o = mix.attention %q, %q, %q : (tensor<1x1x16x16xf8E4M3FN>, tensor<1x1x16x16xf8E4M3FN>, tensor<1x1x16x16xf8E4M3FN>) -> tensor<1x1x16x16xf8E4M3FN>
  return
}

// -----

// ("ranked" is optional: lse should be a RankedTensorOf, see
// invalid-lse-unranked.mlir.)
func.func @attention_f16_lse(%q: tensor<1x1x16x16xf16>) {
  // expected-error-re @+1 {{'mix.attention' op result #1 must be {{(ranked )?}}tensor of 32-bit float values, but got 'tensor<1x1x16xf16>'}}
  %o, %lse = mix.attention %q, %q, %q : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>) -> (tensor<1x1x16x16xf16>, tensor<1x1x16xf16>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.attention: ranks
//===----------------------------------------------------------------------===//

func.func @attention_query_rank(%q: tensor<1x16x16xf16>, %k: tensor<1x1x16x16xf16>) {
  // expected-error @+1 {{'mix.attention' op query must have rank 4 ([B, Hq, Lq, D]), got rank 3}}
  %o = mix.attention %q, %k, %k : (tensor<1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_key_rank(%q: tensor<1x1x16x16xf16>, %k: tensor<1x1x1x16x16xf16>) {
  // expected-error @+1 {{'mix.attention' op key must have rank 4 ([B, Hkv, Lk, D]), got rank 5}}
  %o = mix.attention %q, %k, %q : (tensor<1x1x16x16xf16>, tensor<1x1x1x16x16xf16>, tensor<1x1x16x16xf16>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_value_rank(%q: tensor<1x1x16x16xf16>, %v: tensor<16x16xf16>) {
  // expected-error @+1 {{'mix.attention' op value must have rank 4 ([B, Hkv, Lk, Dv]), got rank 2}}
  %o = mix.attention %q, %q, %v : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<16x16xf16>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_output_rank(%q: tensor<1x1x16x16xf16>) {
  // expected-error @+1 {{'mix.attention' op output must have rank 4 ([B, Hq, Lq, Dv]), got rank 3}}
  %o = mix.attention %q, %q, %q : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>) -> tensor<1x16x16xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.attention: shapes
//===----------------------------------------------------------------------===//

func.func @attention_key_batch(%q: tensor<2x4x16x32xf16>, %k: tensor<3x4x16x32xf16>, %v: tensor<2x4x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op key batch (3) must equal query batch (2)}}
  %o = mix.attention %q, %k, %v : (tensor<2x4x16x32xf16>, tensor<3x4x16x32xf16>, tensor<2x4x16x32xf16>) -> tensor<2x4x16x32xf16>
  return
}

// -----

func.func @attention_value_batch(%q: tensor<2x4x16x32xf16>, %v: tensor<1x4x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op value batch (1) must equal query batch (2)}}
  %o = mix.attention %q, %q, %v : (tensor<2x4x16x32xf16>, tensor<2x4x16x32xf16>, tensor<1x4x16x32xf16>) -> tensor<2x4x16x32xf16>
  return
}

// -----

func.func @attention_value_head_count(%q: tensor<1x8x16x32xf16>, %k: tensor<1x2x16x32xf16>, %v: tensor<1x4x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op value head count (4) must equal key head count (2)}}
  %o = mix.attention %q, %k, %v : (tensor<1x8x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x4x16x32xf16>) -> tensor<1x8x16x32xf16>
  return
}

// -----

func.func @attention_gqa_heads_not_dividing(%q: tensor<1x8x16x32xf16>, %k: tensor<1x3x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op key head count (3) must divide query head count (8)}}
  %o = mix.attention %q, %k, %k : (tensor<1x8x16x32xf16>, tensor<1x3x16x32xf16>, tensor<1x3x16x32xf16>) -> tensor<1x8x16x32xf16>
  return
}

// -----

// More key heads than query heads.
func.func @attention_gqa_more_key_heads(%q: tensor<1x2x16x32xf16>, %k: tensor<1x4x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op key head count (4) must divide query head count (2)}}
  %o = mix.attention %q, %k, %k : (tensor<1x2x16x32xf16>, tensor<1x4x16x32xf16>, tensor<1x4x16x32xf16>) -> tensor<1x2x16x32xf16>
  return
}

// -----

func.func @attention_zero_key_heads(%q: tensor<1x2x16x32xf16>, %k: tensor<1x0x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op key head count (0) must divide query head count (2)}}
  %o = mix.attention %q, %k, %k : (tensor<1x2x16x32xf16>, tensor<1x0x16x32xf16>, tensor<1x0x16x32xf16>) -> tensor<1x2x16x32xf16>
  return
}

// -----

func.func @attention_value_length(%q: tensor<1x2x16x32xf16>, %k: tensor<1x2x128x32xf16>, %v: tensor<1x2x64x32xf16>) {
  // expected-error @+1 {{'mix.attention' op value length (64) must equal key length (128)}}
  %o = mix.attention %q, %k, %v : (tensor<1x2x16x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x64x32xf16>) -> tensor<1x2x16x32xf16>
  return
}

// -----

func.func @attention_key_head_dim(%q: tensor<1x2x16x64xf16>, %k: tensor<1x2x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op key head dim (32) must equal query head dim (64)}}
  %o = mix.attention %q, %k, %k : (tensor<1x2x16x64xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16>
  return
}

// -----

func.func @attention_key_element_type(%q: tensor<1x1x16x16xf16>, %k: tensor<1x1x16x16xbf16>) {
  // expected-error @+1 {{'mix.attention' op key element type ('bf16') must equal query element type ('f16')}}
  %o = mix.attention %q, %k, %k : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xbf16>, tensor<1x1x16x16xbf16>) -> tensor<1x1x16x16xf16>
  return
}

// -----

func.func @attention_output_batch(%q: tensor<2x2x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op output batch (1) must equal query batch (2)}}
  %o = mix.attention %q, %q, %q : (tensor<2x2x16x32xf16>, tensor<2x2x16x32xf16>, tensor<2x2x16x32xf16>) -> tensor<1x2x16x32xf16>
  return
}

// -----

// The output has Hq heads, not Hkv.
func.func @attention_output_head_count(%q: tensor<1x8x16x32xf16>, %k: tensor<1x2x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op output head count (2) must equal query head count (8)}}
  %o = mix.attention %q, %k, %k : (tensor<1x8x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16>
  return
}

// -----

// The output has Lq rows, not Lk.
func.func @attention_output_length(%q: tensor<1x2x16x32xf16>, %k: tensor<1x2x64x32xf16>) {
  // expected-error @+1 {{'mix.attention' op output length (64) must equal query length (16)}}
  %o = mix.attention %q, %k, %k : (tensor<1x2x16x32xf16>, tensor<1x2x64x32xf16>, tensor<1x2x64x32xf16>) -> tensor<1x2x64x32xf16>
  return
}

// -----

// The output head dim is Dv, not D.
func.func @attention_output_head_dim(%q: tensor<1x2x16x64xf16>, %v: tensor<1x2x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op output head dim (64) must equal value head dim (32)}}
  %o = mix.attention %q, %q, %v : (tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>, tensor<1x2x16x32xf16>) -> tensor<1x2x16x64xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.attention: lse
//===----------------------------------------------------------------------===//

func.func @attention_lse_rank(%q: tensor<1x2x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op lse must have rank 3 ([B, Hq, Lq]), got rank 4}}
  %o, %lse = mix.attention %q, %q, %q : (tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> (tensor<1x2x16x32xf16>, tensor<1x2x16x1xf32>)
  return
}

// -----

func.func @attention_lse_batch(%q: tensor<1x2x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op lse batch (2) must equal query batch (1)}}
  %o, %lse = mix.attention %q, %q, %q : (tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> (tensor<1x2x16x32xf16>, tensor<2x2x16xf32>)
  return
}

// -----

func.func @attention_lse_head_count(%q: tensor<1x8x16x32xf16>, %k: tensor<1x2x16x32xf16>) {
  // expected-error @+1 {{'mix.attention' op lse head count (2) must equal query head count (8)}}
  %o, %lse = mix.attention %q, %k, %k : (tensor<1x8x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> (tensor<1x8x16x32xf16>, tensor<1x2x16xf32>)
  return
}

// -----

func.func @attention_lse_length(%q: tensor<1x2x16x32xf16>, %k: tensor<1x2x64x32xf16>) {
  // expected-error @+1 {{'mix.attention' op lse length (64) must equal query length (16)}}
  %o, %lse = mix.attention %q, %k, %k : (tensor<1x2x16x32xf16>, tensor<1x2x64x32xf16>, tensor<1x2x64x32xf16>) -> (tensor<1x2x16x32xf16>, tensor<1x2x64xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.attention: scale, windows, sinks
//===----------------------------------------------------------------------===//

func.func @attention_scale_zero(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'scale' (0.000000e+00) must be positive and finite}}
  %o = mix.attention %q, %q, %q {scale = 0.0 : f32} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_scale_negative(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'scale' (-5.000000e-01) must be positive and finite}}
  %o = mix.attention %q, %q, %q {scale = -0.5 : f32} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_scale_nan(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'scale' (nan) must be positive and finite}}
  %o = mix.attention %q, %q, %q {scale = 0x7FC00000 : f32} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_scale_infinite(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'scale' (INF) must be positive and finite}}
  %o = mix.attention %q, %q, %q {scale = 0x7F800000 : f32} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_scale_not_f32(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op attribute 'scale' failed to satisfy constraint: 32-bit float attribute}}
  %o = mix.attention %q, %q, %q {scale = 0.5 : f64} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_window_left_negative(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'window_left' (-1) must be non-negative}}
  %o = mix.attention %q, %q, %q {causal, window_left = -1 : i64} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_window_right_negative(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'window_right' (-8) must be non-negative}}
  %o = mix.attention %q, %q, %q {window_left = 8 : i64, window_right = -8 : i64} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_window_right_with_causal(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'window_right' (0) cannot be combined with 'causal' (causal fixes the right window at 0)}}
  %o = mix.attention %q, %q, %q {causal, window_right = 0 : i64} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_sink_tokens_negative(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'sink_tokens' (-2) must be non-negative}}
  %o = mix.attention %q, %q, %q {window_left = 4 : i64, sink_tokens = -2 : i64} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @attention_sink_tokens_without_window_left(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'sink_tokens' (4) needs 'window_left': without a sliding window every key is already visible}}
  %o = mix.attention %q, %q, %q {causal, sink_tokens = 4 : i64} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

// A right window alone does not make sinks meaningful either.
func.func @attention_sink_tokens_with_window_right_only(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op 'sink_tokens' (1) needs 'window_left': without a sliding window every key is already visible}}
  %o = mix.attention %q, %q, %q {window_right = 4 : i64, sink_tokens = 1 : i64} : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.attention: bias
//===----------------------------------------------------------------------===//

func.func @attention_bias_rank(%q: tensor<1x2x16x32xf16>, %b: tensor<16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op bias must have rank 4 ([B|1, Hq|1, Lq, Lk]), got rank 2}}
  %o = mix.attention %q, %q, %q bias(%b) : (tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<16x16xf32>) -> tensor<1x2x16x32xf16>
  return
}

// -----

func.func @attention_bias_batch(%q: tensor<2x2x16x32xf16>, %b: tensor<3x2x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op bias batch (3) must be 1 or equal query batch (2)}}
  %o = mix.attention %q, %q, %q bias(%b) : (tensor<2x2x16x32xf16>, tensor<2x2x16x32xf16>, tensor<2x2x16x32xf16>, tensor<3x2x16x16xf32>) -> tensor<2x2x16x32xf16>
  return
}

// -----

// Bias has Hq (or 1) heads, not Hkv.
func.func @attention_bias_head_count(%q: tensor<1x8x16x32xf16>, %k: tensor<1x2x16x32xf16>, %b: tensor<1x2x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op bias head count (2) must be 1 or equal query head count (8)}}
  %o = mix.attention %q, %k, %k bias(%b) : (tensor<1x8x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x16xf32>) -> tensor<1x8x16x32xf16>
  return
}

// -----

// The rows of the bias do not broadcast.
func.func @attention_bias_rows(%q: tensor<1x2x16x32xf16>, %b: tensor<1x1x1x16xf32>) {
  // expected-error @+1 {{'mix.attention' op bias rows (1) must equal query length (16)}}
  %o = mix.attention %q, %q, %q bias(%b) : (tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x1x1x16xf32>) -> tensor<1x2x16x32xf16>
  return
}

// -----

func.func @attention_bias_columns(%q: tensor<1x2x16x32xf16>, %k: tensor<1x2x48x32xf16>, %b: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.attention' op bias columns (16) must equal key length (48)}}
  %o = mix.attention %q, %k, %k bias(%b) : (tensor<1x2x16x32xf16>, tensor<1x2x48x32xf16>, tensor<1x2x48x32xf16>, tensor<1x1x16x16xf32>) -> tensor<1x2x16x32xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.attention: block_mask and block_sizes
//===----------------------------------------------------------------------===//

func.func @attention_block_sizes_without_block_mask(%q: tensor<1x2x128x32xf16>) {
  // expected-error @+1 {{'mix.attention' op 'block_sizes' needs a block_mask operand}}
  %o = mix.attention %q, %q, %q {block_sizes = array<i64: 64, 64>} : (tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>) -> tensor<1x2x128x32xf16>
  return
}

// -----

func.func @attention_block_mask_without_block_sizes(%q: tensor<1x2x128x32xf16>, %m: tensor<1x1x2x2xi1>) {
  // expected-error @+1 {{'mix.attention' op block_mask needs 'block_sizes' (query and key block sizes)}}
  %o = mix.attention %q, %q, %q block_mask(%m) : (tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x1x2x2xi1>) -> tensor<1x2x128x32xf16>
  return
}

// -----

func.func @attention_block_sizes_three_entries(%q: tensor<1x2x128x32xf16>, %m: tensor<1x1x2x2xi1>) {
  // expected-error @+1 {{'mix.attention' op 'block_sizes' must have 2 entries (query block, key block), got 3}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 64, 64, 64>} : (tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x1x2x2xi1>) -> tensor<1x2x128x32xf16>
  return
}

// -----

func.func @attention_block_sizes_one_entry(%q: tensor<1x2x128x32xf16>, %m: tensor<1x1x2x2xi1>) {
  // expected-error @+1 {{'mix.attention' op 'block_sizes' must have 2 entries (query block, key block), got 1}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 64>} : (tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x1x2x2xi1>) -> tensor<1x2x128x32xf16>
  return
}

// -----

func.func @attention_block_sizes_zero(%q: tensor<1x2x128x32xf16>, %m: tensor<1x1x2x2xi1>) {
  // expected-error @+1 {{'mix.attention' op 'block_sizes' (0, 64) must be positive}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 0, 64>} : (tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x1x2x2xi1>) -> tensor<1x2x128x32xf16>
  return
}

// -----

func.func @attention_block_sizes_negative(%q: tensor<1x2x128x32xf16>, %m: tensor<1x1x2x2xi1>) {
  // expected-error @+1 {{'mix.attention' op 'block_sizes' (64, -64) must be positive}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 64, -64>} : (tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x1x2x2xi1>) -> tensor<1x2x128x32xf16>
  return
}

// -----

func.func @attention_block_mask_rank(%q: tensor<1x2x128x32xf16>, %m: tensor<2x2xi1>) {
  // expected-error @+1 {{'mix.attention' op block_mask must have rank 4 ([B|1, Hq|1, ceil(Lq/bq), ceil(Lk/bk)]), got rank 2}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 64, 64>} : (tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<2x2xi1>) -> tensor<1x2x128x32xf16>
  return
}

// -----

func.func @attention_block_mask_batch(%q: tensor<2x2x128x32xf16>, %m: tensor<4x1x2x2xi1>) {
  // expected-error @+1 {{'mix.attention' op block_mask batch (4) must be 1 or equal query batch (2)}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 64, 64>} : (tensor<2x2x128x32xf16>, tensor<2x2x128x32xf16>, tensor<2x2x128x32xf16>, tensor<4x1x2x2xi1>) -> tensor<2x2x128x32xf16>
  return
}

// -----

func.func @attention_block_mask_head_count(%q: tensor<1x8x128x32xf16>, %k: tensor<1x2x128x32xf16>, %m: tensor<1x2x2x2xi8>) {
  // expected-error @+1 {{'mix.attention' op block_mask head count (2) must be 1 or equal query head count (8)}}
  %o = mix.attention %q, %k, %k block_mask(%m) {block_sizes = array<i64: 64, 64>} : (tensor<1x8x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x128x32xf16>, tensor<1x2x2x2xi8>) -> tensor<1x8x128x32xf16>
  return
}

// -----

// Lq = 100 with 64-row blocks needs ceil(100/64) = 2 rows, not floor = 1.
func.func @attention_block_mask_rows_floor_instead_of_ceil(%q: tensor<1x2x100x32xf16>, %m: tensor<1x1x1x2xi1>) {
  // expected-error @+1 {{'mix.attention' op block_mask rows (1) must equal query blocks ceil(Lq / 64) (2)}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 64, 64>} : (tensor<1x2x100x32xf16>, tensor<1x2x100x32xf16>, tensor<1x2x100x32xf16>, tensor<1x1x1x2xi1>) -> tensor<1x2x100x32xf16>
  return
}

// -----

func.func @attention_block_mask_columns(%q: tensor<1x2x100x32xf16>, %k: tensor<1x2x200x32xf16>, %m: tensor<1x1x4x3xi1>) {
  // expected-error @+1 {{'mix.attention' op block_mask columns (3) must equal key blocks ceil(Lk / 64) (4)}}
  %o = mix.attention %q, %k, %k block_mask(%m) {block_sizes = array<i64: 32, 64>} : (tensor<1x2x100x32xf16>, tensor<1x2x200x32xf16>, tensor<1x2x200x32xf16>, tensor<1x1x4x3xi1>) -> tensor<1x2x100x32xf16>
  return
}

// -----

// Rows and columns swapped (Lq != Lk).
func.func @attention_block_mask_transposed(%q: tensor<1x1x64x32xf16>, %k: tensor<1x1x256x32xf16>, %m: tensor<1x1x4x1xi1>) {
  // expected-error @+1 {{'mix.attention' op block_mask rows (4) must equal query blocks ceil(Lq / 64) (1)}}
  %o = mix.attention %q, %k, %k block_mask(%m) {block_sizes = array<i64: 64, 64>} : (tensor<1x1x64x32xf16>, tensor<1x1x256x32xf16>, tensor<1x1x256x32xf16>, tensor<1x1x4x1xi1>) -> tensor<1x1x64x32xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.linear_attention
//===----------------------------------------------------------------------===//

func.func @linear_attention_i8_query(%q: tensor<1x1x16x16xi8>) {
  // expected-error @+1 {{'mix.linear_attention' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<1x1x16x16xi8>'}}
  %o = mix.linear_attention %q, %q, %q : (tensor<1x1x16x16xi8>, tensor<1x1x16x16xi8>, tensor<1x1x16x16xi8>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @linear_attention_f8_output(%q: tensor<1x1x16x16xf16>) {
  // expected-error @+1 {{'mix.linear_attention' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x1x16x16xf8E5M2>'}}
  %o = mix.linear_attention %q, %q, %q : (tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16>) -> tensor<1x1x16x16xf8E5M2>
  return
}

// -----

func.func @linear_attention_query_rank(%q: tensor<1x16x16xf32>, %k: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op query must have rank 4 ([B, H, L, Dk]), got rank 3}}
  %o = mix.linear_attention %q, %k, %k : (tensor<1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @linear_attention_key_rank(%q: tensor<1x1x16x16xf32>, %k: tensor<16x16xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op key must have rank 4 ([B, H, L, Dk]), got rank 2}}
  %o = mix.linear_attention %q, %k, %q : (tensor<1x1x16x16xf32>, tensor<16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @linear_attention_value_rank(%q: tensor<1x1x16x16xf32>, %v: tensor<1x1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op value must have rank 4 ([B, H, L, Dv]), got rank 5}}
  %o = mix.linear_attention %q, %q, %v : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
  return
}

// -----

func.func @linear_attention_output_rank(%q: tensor<1x1x16x16xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op output must have rank 4 ([B, H, L, Dv]), got rank 3}}
  %o = mix.linear_attention %q, %q, %q : (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x16x16xf32>
  return
}

// -----

func.func @linear_attention_key_batch(%q: tensor<1x4x16x32xf32>, %k: tensor<2x4x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op key batch (2) must equal query batch (1)}}
  %o = mix.linear_attention %q, %k, %q : (tensor<1x4x16x32xf32>, tensor<2x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

// No grouped heads in linear attention: key heads must equal query heads.
func.func @linear_attention_key_head_count(%q: tensor<1x4x16x32xf32>, %k: tensor<1x2x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op key head count (2) must equal query head count (4)}}
  %o = mix.linear_attention %q, %k, %q : (tensor<1x4x16x32xf32>, tensor<1x2x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_key_length(%q: tensor<1x4x16x32xf32>, %k: tensor<1x4x32x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op key length (32) must equal query length (16)}}
  %o = mix.linear_attention %q, %k, %q : (tensor<1x4x16x32xf32>, tensor<1x4x32x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_key_head_dim(%q: tensor<1x4x16x32xf32>, %k: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op key head dim (64) must equal query head dim (32)}}
  %o = mix.linear_attention %q, %k, %q : (tensor<1x4x16x32xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_key_element_type(%q: tensor<1x4x16x32xf32>, %k: tensor<1x4x16x32xf16>) {
  // expected-error @+1 {{'mix.linear_attention' op key element type ('f16') must equal query element type ('f32')}}
  %o = mix.linear_attention %q, %k, %q : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf16>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_value_batch(%q: tensor<2x4x16x32xf32>, %v: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op value batch (1) must equal query batch (2)}}
  %o = mix.linear_attention %q, %q, %v : (tensor<2x4x16x32xf32>, tensor<2x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<2x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_value_head_count(%q: tensor<1x4x16x32xf32>, %v: tensor<1x1x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op value head count (1) must equal query head count (4)}}
  %o = mix.linear_attention %q, %q, %v : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x1x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_value_length(%q: tensor<1x4x16x32xf32>, %v: tensor<1x4x8x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op value length (8) must equal query length (16)}}
  %o = mix.linear_attention %q, %q, %v : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x8x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_output_batch(%q: tensor<2x4x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op output batch (1) must equal query batch (2)}}
  %o = mix.linear_attention %q, %q, %q : (tensor<2x4x16x32xf32>, tensor<2x4x16x32xf32>, tensor<2x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_output_head_count(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op output head count (8) must equal query head count (4)}}
  %o = mix.linear_attention %q, %q, %q : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x8x16x32xf32>
  return
}

// -----

func.func @linear_attention_output_length(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op output length (17) must equal query length (16)}}
  %o = mix.linear_attention %q, %q, %q : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x17x32xf32>
  return
}

// -----

func.func @linear_attention_output_head_dim(%q: tensor<1x4x16x32xf32>, %v: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op output head dim (32) must equal value head dim (64)}}
  %o = mix.linear_attention %q, %q, %v : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x64xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_decay_per_head_size(%q: tensor<1x4x16x32xf32>, %g: tensor<3xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op decay head count (3) must equal query head count (4)}}
  %o = mix.linear_attention %q, %q, %q decay(%g) {causal} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<3xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_decay_rank_2(%q: tensor<1x4x16x32xf32>, %g: tensor<4x16xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op decay must have rank 1 ([H], per head) or 3 ([B, H, L], per token), got rank 2}}
  %o = mix.linear_attention %q, %q, %q decay(%g) {causal} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<4x16xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_decay_rank_0(%q: tensor<1x4x16x32xf32>, %g: tensor<f32>) {
  // expected-error @+1 {{'mix.linear_attention' op decay must have rank 1 ([H], per head) or 3 ([B, H, L], per token), got rank 0}}
  %o = mix.linear_attention %q, %q, %q decay(%g) : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<f32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_decay_per_token_without_causal(%q: tensor<1x4x16x32xf32>, %g: tensor<1x4x16xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op a per-token decay ([B, H, L]) needs 'causal'}}
  %o = mix.linear_attention %q, %q, %q decay(%g) {normalize} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_decay_per_token_batch(%q: tensor<2x4x16x32xf32>, %g: tensor<1x4x16xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op decay batch (1) must equal query batch (2)}}
  %o = mix.linear_attention %q, %q, %q decay(%g) {causal} : (tensor<2x4x16x32xf32>, tensor<2x4x16x32xf32>, tensor<2x4x16x32xf32>, tensor<1x4x16xf32>) -> tensor<2x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_decay_per_token_head_count(%q: tensor<1x4x16x32xf32>, %g: tensor<1x1x16xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op decay head count (1) must equal query head count (4)}}
  %o = mix.linear_attention %q, %q, %q decay(%g) {causal} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x1x16xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_decay_per_token_length(%q: tensor<1x4x16x32xf32>, %g: tensor<1x4x15xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op decay length (15) must equal query length (16)}}
  %o = mix.linear_attention %q, %q, %q decay(%g) {causal} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x15xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.selective_scan
//===----------------------------------------------------------------------===//

func.func @selective_scan_i8_x(%x: tensor<1x8x16xi8>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<1x8x16xi8>'}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x8x16xi8>, tensor<1x8x16xi8>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_x_rank(%x: tensor<8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op x must have rank 3 ([B, D, L]), got rank 2}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @selective_scan_A_rank(%x: tensor<1x8x16xf32>, %A: tensor<8xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op A must have rank 2 ([D, N]), got rank 1}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_B_rank(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x4x16xf32>, %C: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op B must have rank 4 ([B, G, N, L]), got rank 3}}
  %y = mix.selective_scan %x, %x, %A, %B, %C : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_C_rank(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %C: tensor<1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op C must have rank 4 ([B, G, N, L]), got rank 3}}
  %y = mix.selective_scan %x, %x, %A, %B, %C : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_delta_rank(%x: tensor<1x8x16xf32>, %dt: tensor<8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op delta must have the rank of x (3), got rank 2}}
  %y = mix.selective_scan %x, %dt, %A, %B, %B : (tensor<1x8x16xf32>, tensor<8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_delta_batch(%x: tensor<2x8x16xf32>, %dt: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<2x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op delta batch (1) must equal x batch (2)}}
  %y = mix.selective_scan %x, %dt, %A, %B, %B : (tensor<2x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<2x1x4x16xf32>, tensor<2x1x4x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @selective_scan_delta_channel_count(%x: tensor<1x8x16xf32>, %dt: tensor<1x4x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op delta channel count (4) must equal x channel count (8)}}
  %y = mix.selective_scan %x, %dt, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x4x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_delta_length(%x: tensor<1x8x16xf32>, %dt: tensor<1x8x32xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op delta length (32) must equal x length (16)}}
  %y = mix.selective_scan %x, %dt, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x8x32xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_y_rank(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op y must have the rank of x (3), got rank 2}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @selective_scan_y_length(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op y length (15) must equal x length (16)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x15xf32>
  return
}

// -----

func.func @selective_scan_A_channel_count(%x: tensor<1x8x16xf32>, %A: tensor<4x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op A channel count (4) must equal x channel count (8)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<4x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_B_batch(%x: tensor<2x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op B batch (1) must equal x batch (2)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @selective_scan_groups_not_dividing_channels(%x: tensor<1x64x16xf32>, %A: tensor<64x4xf32>, %B: tensor<1x3x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op B group count (3) must divide x channel count (64)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x64x16xf32>, tensor<1x64x16xf32>, tensor<64x4xf32>, tensor<1x3x4x16xf32>, tensor<1x3x4x16xf32>) -> tensor<1x64x16xf32>
  return
}

// -----

func.func @selective_scan_B_state_dim(%x: tensor<1x8x16xf32>, %A: tensor<8x16xf32>, %B: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op B state dim (8) must equal A state dim (16)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_B_length(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x32xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op B length (32) must equal x length (16)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x32xf32>, tensor<1x1x4x32xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_C_group_count(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x2x4x16xf32>, %C: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op C group count (1) must equal B group count (2)}}
  %y = mix.selective_scan %x, %x, %A, %B, %C : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x2x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_C_state_dim(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %C: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op C state dim (8) must equal B state dim (4)}}
  %y = mix.selective_scan %x, %x, %A, %B, %C : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x8x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_C_batch_and_length(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %C: tensor<1x1x4x8xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op C length (8) must equal B length (16)}}
  %y = mix.selective_scan %x, %x, %A, %B, %C : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x8xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_C_batch(%x: tensor<2x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<2x1x4x16xf32>, %C: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op C batch (1) must equal B batch (2)}}
  %y = mix.selective_scan %x, %x, %A, %B, %C : (tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<8x4xf32>, tensor<2x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @selective_scan_y_batch(%x: tensor<2x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<2x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op y batch (1) must equal x batch (2)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<8x4xf32>, tensor<2x1x4x16xf32>, tensor<2x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_y_channel_count(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op y channel count (4) must equal x channel count (8)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x4x16xf32>
  return
}

// -----

func.func @selective_scan_z_batch(%x: tensor<2x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<2x1x4x16xf32>, %z: tensor<1x8x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op z batch (1) must equal x batch (2)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B gate(%z) : (tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<8x4xf32>, tensor<2x1x4x16xf32>, tensor<2x1x4x16xf32>, tensor<1x8x16xf32>) -> tensor<2x8x16xf32>
  return
}

// -----

func.func @selective_scan_z_length(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %z: tensor<1x8x8xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op z length (8) must equal x length (16)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B gate(%z) : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>, tensor<1x8x8xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_D_rank(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %D: tensor<1x8xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op D must have rank 1 ([D]), got rank 2}}
  %y = mix.selective_scan %x, %x, %A, %B, %B skip(%D) : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>, tensor<1x8xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_D_size(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %D: tensor<4xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op D size (4) must equal x channel count (8)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B skip(%D) : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>, tensor<4xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_delta_bias_rank(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %db: tensor<8x1xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op delta_bias must have rank 1 ([D]), got rank 2}}
  %y = mix.selective_scan %x, %x, %A, %B, %B delta_bias(%db) : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>, tensor<8x1xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_delta_bias_size(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %db: tensor<16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op delta_bias size (16) must equal x channel count (8)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B delta_bias(%db) {delta_softplus} : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>, tensor<16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_z_rank(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %z: tensor<8x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op z must have the rank of x (3), got rank 2}}
  %y = mix.selective_scan %x, %x, %A, %B, %B gate(%z) : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>, tensor<8x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @selective_scan_z_channel_count(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>, %z: tensor<1x16x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op z channel count (16) must equal x channel count (8)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B gate(%z) : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>, tensor<1x16x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.ssd
//===----------------------------------------------------------------------===//

func.func @ssd_direction_reverse(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op direction 'reverse' is not an SSD form (use 'forward' for Mamba-2 or 'bidirectional' for Hydra)}}
  %y = mix.ssd %x, %dt, %A, %B, %B {direction = #mix.direction<reverse>} : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

// The direction is checked before the shapes: a reverse SSD with bad shapes
// reports the direction.
func.func @ssd_direction_reverse_before_shapes(%x: tensor<16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op direction 'reverse' is not an SSD form (use 'forward' for Mamba-2 or 'bidirectional' for Hydra)}}
  %y = mix.ssd %x, %dt, %A, %B, %B {direction = #mix.direction<reverse>} : (tensor<16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<16x4x8xf32>
  return
}

// -----

func.func @ssd_i8_x(%x: tensor<1x16x4x8xi8>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<1x16x4x8xi8>'}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xi8>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_x_rank(%x: tensor<16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op x must have rank 4 ([B, L, H, P]), got rank 3}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<16x4x8xf32>
  return
}

// -----

func.func @ssd_dt_rank(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4x1xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op dt must have rank 3 ([B, L, H]), got rank 4}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x4x1xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_A_rank(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4x8xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op A must have rank 1 ([H]), got rank 2}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4x8xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_B_rank(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x8xf32>, %C: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op B must have rank 4 ([B, L, G, N]), got rank 3}}
  %y = mix.ssd %x, %dt, %A, %B, %C : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_C_rank(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>, %C: tensor<1x16x1x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op C must have rank 4 ([B, L, G, N]), got rank 5}}
  %y = mix.ssd %x, %dt, %A, %B, %C : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_y_rank(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op y must have the rank of x (4), got rank 3}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<16x4x8xf32>
  return
}

// -----

func.func @ssd_y_head_dim(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op y head dim (16) must equal x head dim (8)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x16xf32>
  return
}

// -----

func.func @ssd_dt_batch(%x: tensor<2x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<2x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op dt batch (1) must equal x batch (2)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<2x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<2x16x1x8xf32>, tensor<2x16x1x8xf32>) -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @ssd_dt_length(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x32x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op dt length (32) must equal x length (16)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x32x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_dt_head_count(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x2xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op dt head count (2) must equal x head count (4)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x2xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_A_size(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<8xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op A size (8) must equal x head count (4)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<8xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_B_batch(%x: tensor<2x16x4x8xf32>, %dt: tensor<2x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op B batch (1) must equal x batch (2)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<2x16x4x8xf32>, tensor<2x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @ssd_B_length(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x8x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op B length (8) must equal x length (16)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x8x1x8xf32>, tensor<1x8x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_groups_not_dividing_heads(%x: tensor<1x16x32x8xf32>, %dt: tensor<1x16x32xf32>, %A: tensor<32xf32>, %B: tensor<1x16x3x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op B group count (3) must divide x head count (32)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x32x8xf32>, tensor<1x16x32xf32>, tensor<32xf32>, tensor<1x16x3x8xf32>, tensor<1x16x3x8xf32>) -> tensor<1x16x32x8xf32>
  return
}

// -----

func.func @ssd_C_state_dim(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x128xf32>, %C: tensor<1x16x1x64xf32>) {
  // expected-error @+1 {{'mix.ssd' op C state dim (64) must equal B state dim (128)}}
  %y = mix.ssd %x, %dt, %A, %B, %C : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x128xf32>, tensor<1x16x1x64xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_C_group_count(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x2x8xf32>, %C: tensor<1x16x4x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op C group count (4) must equal B group count (2)}}
  %y = mix.ssd %x, %dt, %A, %B, %C : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x2x8xf32>, tensor<1x16x4x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_C_batch(%x: tensor<2x16x4x8xf32>, %dt: tensor<2x16x4xf32>, %A: tensor<4xf32>, %B: tensor<2x16x1x8xf32>, %C: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op C batch (1) must equal B batch (2)}}
  %y = mix.ssd %x, %dt, %A, %B, %C : (tensor<2x16x4x8xf32>, tensor<2x16x4xf32>, tensor<4xf32>, tensor<2x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @ssd_C_length(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>, %C: tensor<1x32x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op C length (32) must equal B length (16)}}
  %y = mix.ssd %x, %dt, %A, %B, %C : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x32x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_y_batch(%x: tensor<2x16x4x8xf32>, %dt: tensor<2x16x4xf32>, %A: tensor<4xf32>, %B: tensor<2x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op y batch (1) must equal x batch (2)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<2x16x4x8xf32>, tensor<2x16x4xf32>, tensor<4xf32>, tensor<2x16x1x8xf32>, tensor<2x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_y_length(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op y length (8) must equal x length (16)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x8x4x8xf32>
  return
}

// -----

func.func @ssd_y_head_count(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op y head count (2) must equal x head count (4)}}
  %y = mix.ssd %x, %dt, %A, %B, %B : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x2x8xf32>
  return
}

// -----

func.func @ssd_D_rank(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>, %D: tensor<4x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op D must have rank 1 ([H]), got rank 2}}
  %y = mix.ssd %x, %dt, %A, %B, %B skip(%D) : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>, tensor<4x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_D_size(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>, %D: tensor<8xf32>) {
  // expected-error @+1 {{'mix.ssd' op D size (8) must equal x head count (4)}}
  %y = mix.ssd %x, %dt, %A, %B, %B skip(%D) : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>, tensor<8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_dt_bias_rank(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>, %db: tensor<f32>) {
  // expected-error @+1 {{'mix.ssd' op dt_bias must have rank 1 ([H]), got rank 0}}
  %y = mix.ssd %x, %dt, %A, %B, %B dt_bias(%db) : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>, tensor<f32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @ssd_dt_bias_size(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>, %db: tensor<2xf32>) {
  // expected-error @+1 {{'mix.ssd' op dt_bias size (2) must equal x head count (4)}}
  %y = mix.ssd %x, %dt, %A, %B, %B dt_bias(%db) {dt_softplus} : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>, tensor<2xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.monarch
//===----------------------------------------------------------------------===//

func.func @monarch_i8_x(%x: tensor<4x256xi8>, %f: tensor<16x16x16xf16>) {
  // expected-error @+1 {{'mix.monarch' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<4x256xi8>'}}
  %y = mix.monarch %x, %f, %f : (tensor<4x256xi8>, tensor<16x16x16xf16>, tensor<16x16x16xf16>) -> tensor<4x256xf16>
  return
}

// -----

func.func @monarch_x_rank_0(%x: tensor<f16>, %f: tensor<1x1x1xf16>) {
  // expected-error @+1 {{'mix.monarch' op x must have rank at least 1 ([..., n]), got rank 0}}
  %y = mix.monarch %x, %f, %f : (tensor<f16>, tensor<1x1x1xf16>, tensor<1x1x1xf16>) -> tensor<f16>
  return
}

// -----

func.func @monarch_first_factor_rank(%x: tensor<4x256xf16>, %f: tensor<16x256xf16>, %s: tensor<16x16x16xf16>) {
  // expected-error @+1 {{'mix.monarch' op first_factor must have rank 3 ([k, q, p]), got rank 2}}
  %y = mix.monarch %x, %f, %s : (tensor<4x256xf16>, tensor<16x256xf16>, tensor<16x16x16xf16>) -> tensor<4x256xf16>
  return
}

// -----

func.func @monarch_second_factor_rank(%x: tensor<4x256xf16>, %f: tensor<16x16x16xf16>, %s: tensor<1x16x16x16xf16>) {
  // expected-error @+1 {{'mix.monarch' op second_factor must have rank 3 ([l, s, r]), got rank 4}}
  %y = mix.monarch %x, %f, %s : (tensor<4x256xf16>, tensor<16x16x16xf16>, tensor<1x16x16x16xf16>) -> tensor<4x256xf16>
  return
}

// -----

func.func @monarch_y_rank(%x: tensor<4x256xf16>, %f: tensor<16x16x16xf16>) {
  // expected-error @+1 {{'mix.monarch' op y must have rank 2 (the rank of x), got rank 3}}
  %y = mix.monarch %x, %f, %f : (tensor<4x256xf16>, tensor<16x16x16xf16>, tensor<16x16x16xf16>) -> tensor<1x4x256xf16>
  return
}

// -----

func.func @monarch_x_feature_size(%x: tensor<4x1000xf16>, %f: tensor<32x32x32xf16>) {
  // expected-error @+1 {{'mix.monarch' op x feature size (1000) must equal first_factor blocks x block input size (32 x 32) (1024)}}
  %y = mix.monarch %x, %f, %f : (tensor<4x1000xf16>, tensor<32x32x32xf16>, tensor<32x32x32xf16>) -> tensor<4x1024xf16>
  return
}

// -----

// The second factor must consume exactly the k * q outputs of the first.
func.func @monarch_factor_sizes_mismatch(%x: tensor<4x1024xf16>, %f: tensor<32x32x32xf16>, %s: tensor<16x32x32xf16>) {
  // expected-error @+1 {{'mix.monarch' op second_factor blocks x block input size (16 x 32) (512) must equal first_factor blocks x block output size (32 x 32) (1024)}}
  %y = mix.monarch %x, %f, %s : (tensor<4x1024xf16>, tensor<32x32x32xf16>, tensor<16x32x32xf16>) -> tensor<4x512xf16>
  return
}

// -----

// The first factor's block input size p and output size q swapped.
func.func @monarch_first_factor_transposed_blocks(%x: tensor<4x64xf32>, %f: tensor<4x16x8xf32>, %s: tensor<2x24x16xf32>) {
  // expected-error @+1 {{'mix.monarch' op x feature size (64) must equal first_factor blocks x block input size (4 x 8) (32)}}
  %y = mix.monarch %x, %f, %s : (tensor<4x64xf32>, tensor<4x16x8xf32>, tensor<2x24x16xf32>) -> tensor<4x48xf32>
  return
}

// -----

func.func @monarch_y_feature_size(%x: tensor<4x64xf32>, %f: tensor<4x8x16xf32>, %s: tensor<2x24x16xf32>) {
  // expected-error @+1 {{'mix.monarch' op y feature size (64) must equal second_factor blocks x block output size (2 x 24) (48)}}
  %y = mix.monarch %x, %f, %s : (tensor<4x64xf32>, tensor<4x8x16xf32>, tensor<2x24x16xf32>) -> tensor<4x64xf32>
  return
}

// -----

func.func @monarch_y_leading_dim(%x: tensor<2x16x256xf32>, %f: tensor<16x16x16xf32>) {
  // expected-error @+1 {{'mix.monarch' op y dim 1 (8) must equal x dim 1 (16)}}
  %y = mix.monarch %x, %f, %f : (tensor<2x16x256xf32>, tensor<16x16x16xf32>, tensor<16x16x16xf32>) -> tensor<2x8x256xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// mix.permute
//===----------------------------------------------------------------------===//

func.func @permute_f32_indices(%x: tensor<1x2x16x8xf16>, %p: tensor<16xf32>) {
  // expected-error @+1 {{'mix.permute' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<16xf32>'}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<16xf32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

func.func @permute_i16_indices(%x: tensor<1x2x16x8xf16>, %p: tensor<16xi16>) {
  // expected-error @+1 {{'mix.permute' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<16xi16>'}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<16xi16>) -> tensor<1x2x16x8xf16>
  return
}

// -----

func.func @permute_f64_input(%x: tensor<16x8xf64>, %p: tensor<16xi32>) {
  // expected-error @+1 {{'mix.permute' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type or 8-bit signless integer values, but got 'tensor<16x8xf64>'}}
  %r = mix.permute %x, %p {axis = 0 : i64} : (tensor<16x8xf64>, tensor<16xi32>) -> tensor<16x8xf64>
  return
}

// -----

func.func @permute_missing_axis(%x: tensor<1x2x16x8xf16>, %p: tensor<16xi32>) {
  // expected-error @+1 {{'mix.permute' op requires attribute 'axis'}}
  %r = mix.permute %x, %p : (tensor<1x2x16x8xf16>, tensor<16xi32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

func.func @permute_axis_too_large(%x: tensor<1x2x16x8xf16>, %p: tensor<16xi32>) {
  // expected-error @+1 {{'mix.permute' op 'axis' (4) must be in [0, 4) for an input of rank 4}}
  %r = mix.permute %x, %p {axis = 4 : i64} : (tensor<1x2x16x8xf16>, tensor<16xi32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

func.func @permute_axis_negative(%x: tensor<1x2x16x8xf16>, %p: tensor<16xi32>) {
  // expected-error @+1 {{'mix.permute' op 'axis' (-1) must be in [0, 4) for an input of rank 4}}
  %r = mix.permute %x, %p {axis = -1 : i64} : (tensor<1x2x16x8xf16>, tensor<16xi32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

func.func @permute_rank_0_input(%x: tensor<f16>, %p: tensor<1xi32>) {
  // expected-error @+1 {{'mix.permute' op 'axis' (0) must be in [0, 0) for an input of rank 0}}
  %r = mix.permute %x, %p {axis = 0 : i64} : (tensor<f16>, tensor<1xi32>) -> tensor<f16>
  return
}

// -----

func.func @permute_indices_rank_too_large(%x: tensor<1x2x16x8xf16>, %p: tensor<1x1x2x16xi32>) {
  // expected-error @+1 {{'mix.permute' op indices must have rank 1 to 3 (the input dims that end at axis 2), got rank 4}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<1x1x2x16xi32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

func.func @permute_indices_rank_0(%x: tensor<1x2x16x8xf16>, %p: tensor<i32>) {
  // expected-error @+1 {{'mix.permute' op indices must have rank 1 to 3 (the input dims that end at axis 2), got rank 0}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<i32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

func.func @permute_indices_length(%x: tensor<1x2x16x8xf16>, %p: tensor<8xi32>) {
  // expected-error @+1 {{'mix.permute' op indices dim 0 (8) must equal input dim 2 (16)}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<8xi32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

// [H, L] indices line up with input dims 1 and 2.
func.func @permute_indices_per_head_count(%x: tensor<1x2x16x8xf16>, %p: tensor<4x16xi32>) {
  // expected-error @+1 {{'mix.permute' op indices dim 0 (4) must equal input dim 1 (2)}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<4x16xi32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

// [B, H, L] indices with the wrong batch.
func.func @permute_indices_per_batch_count(%x: tensor<1x2x16x8xf16>, %p: tensor<2x2x16xi64>) {
  // expected-error @+1 {{'mix.permute' op indices dim 0 (2) must equal input dim 0 (1)}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<2x2x16xi64>) -> tensor<1x2x16x8xf16>
  return
}

// -----

func.func @permute_output_rank(%x: tensor<1x2x16x8xf16>, %p: tensor<16xi32>) {
  // expected-error @+1 {{'mix.permute' op output must have the rank of input (4), got rank 3}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<16xi32>) -> tensor<2x16x8xf16>
  return
}

// -----

func.func @permute_output_shape(%x: tensor<1x2x16x8xf16>, %p: tensor<16xi32>) {
  // expected-error @+1 {{'mix.permute' op output dim 3 (4) must equal input dim 3 (8)}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xf16>, tensor<16xi32>) -> tensor<1x2x16x4xf16>
  return
}

// -----

func.func @permute_output_element_type(%x: tensor<1x2x16x8xbf16>, %p: tensor<16xi32>) {
  // expected-error @+1 {{'mix.permute' op output element type ('f32') must equal input element type ('bf16')}}
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x2x16x8xbf16>, tensor<16xi32>) -> tensor<1x2x16x8xf32>
  return
}

// -----

func.func @permute_constant_out_of_range(%x: tensor<2x4x8xf32>) {
  %p = arith.constant dense<[0, 1, 4, 2]> : tensor<4xi32>
  // expected-error @+1 {{'mix.permute' op indices row 0 is not a permutation of 0..3: value 4 at position 2 is out of range}}
  %r = mix.permute %x, %p {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<4xi32>) -> tensor<2x4x8xf32>
  return
}

// -----

func.func @permute_constant_negative(%x: tensor<2x4x8xf32>) {
  %p = arith.constant dense<[3, -1, 0, 2]> : tensor<4xi64>
  // expected-error @+1 {{'mix.permute' op indices row 0 is not a permutation of 0..3: value -1 at position 1 is out of range}}
  %r = mix.permute %x, %p {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<4xi64>) -> tensor<2x4x8xf32>
  return
}

// -----

func.func @permute_constant_duplicate(%x: tensor<2x4x8xf32>) {
  %p = arith.constant dense<[0, 1, 1, 3]> : tensor<4xi32>
  // expected-error @+1 {{'mix.permute' op indices row 0 is not a permutation of 0..3: value 1 appears twice}}
  %r = mix.permute %x, %p {axis = 1 : i64, inverse} : (tensor<2x4x8xf32>, tensor<4xi32>) -> tensor<2x4x8xf32>
  return
}

// -----

// The first row is a permutation; the second repeats a value. Each row is
// checked on its own.
func.func @permute_constant_duplicate_second_row(%x: tensor<2x3x8xf16>) {
  %p = arith.constant dense<[[2, 0, 1], [1, 0, 0]]> : tensor<2x3xi64>
  // expected-error @+1 {{'mix.permute' op indices row 1 is not a permutation of 0..2: value 0 appears twice}}
  %r = mix.permute %x, %p {axis = 1 : i64} : (tensor<2x3x8xf16>, tensor<2x3xi64>) -> tensor<2x3x8xf16>
  return
}

// -----

// A splat of a length > 1 is never a permutation.
func.func @permute_constant_splat(%x: tensor<2x4x8xf32>) {
  %p = arith.constant dense<0> : tensor<4xi32>
  // expected-error @+1 {{'mix.permute' op indices row 0 is not a permutation of 0..3: value 0 appears twice}}
  %r = mix.permute %x, %p {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<4xi32>) -> tensor<2x4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// ODS attribute constraints (reported while parsing the custom form)
//===----------------------------------------------------------------------===//

func.func @attention_window_left_i32(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.attention' op attribute 'window_left' failed to satisfy constraint: 64-bit signless integer attribute}}
  %o = mix.attention %q, %q, %q {causal, window_left = 4 : i32} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @attention_causal_not_unit(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.attention' op attribute 'causal' failed to satisfy constraint: unit attribute}}
  %o = mix.attention %q, %q, %q {causal = true} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @attention_block_sizes_i32(%q: tensor<1x4x16x32xf32>, %m: tensor<1x1x1x1xi1>) {
  // expected-error @+1 {{'mix.attention' op attribute 'block_sizes' failed to satisfy constraint: i64 dense array attribute}}
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i32: 16, 16>} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x1x1x1xi1>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @attention_schedule_not_a_schedule(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.attention' op attribute 'schedule' failed to satisfy constraint: kernel template and its integer parameters for one mix op}}
  %o = mix.attention %q, %q, %q {schedule = "attention.mma_sync"} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_feature_map_integer(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op attribute 'feature_map' failed to satisfy constraint: feature map applied to queries and keys of linear attention}}
  %o = mix.linear_attention %q, %q, %q {feature_map = 2 : i32} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @selective_scan_direction_integer(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op attribute 'direction' failed to satisfy constraint: direction in which a state-space recurrence runs over the sequence}}
  %y = mix.selective_scan %x, %x, %A, %B, %B {direction = 1 : i32} : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @ssd_direction_string(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op attribute 'direction' failed to satisfy constraint: direction in which a state-space recurrence runs over the sequence}}
  %y = mix.ssd %x, %dt, %A, %B, %B {direction = "reverse"} : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @permute_axis_i32(%x: tensor<4x8xf32>, %p: tensor<4xi32>) {
  // expected-error @+1 {{'mix.permute' op attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute}}
  %r = mix.permute %x, %p {axis = 0 : i32} : (tensor<4x8xf32>, tensor<4xi32>) -> tensor<4x8xf32>
  return
}

// -----

// Generic form: the operand segments must add up to the operands.
func.func @attention_generic_bad_segments(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.attention' op operand count (3) does not match with the total size (4) specified in attribute 'operandSegmentSizes'}}
  %o = "mix.attention"(%q, %q, %q) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>}> : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Enum attribute values
//===----------------------------------------------------------------------===//

func.func @selective_scan_unknown_direction(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+2 {{expected ::mixc::mix::ScanDirection to be one of: forward, reverse, bidirectional}}
  // expected-error @+1 {{failed to parse Mix_ScanDirectionAttr parameter 'value' which is to be a `::mixc::mix::ScanDirection`}}
  %y = mix.selective_scan %x, %x, %A, %B, %B {direction = #mix.direction<sideways>} : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @linear_attention_unknown_feature_map(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+2 {{expected ::mixc::mix::FeatureMap to be one of: identity, elu_plus_one, relu}}
  // expected-error @+1 {{failed to parse Mix_FeatureMapAttr parameter 'value' which is to be a `::mixc::mix::FeatureMap`}}
  %o = mix.linear_attention %q, %q, %q {feature_map = #mix.feature_map<softmax>} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @linear_attention_direction_as_feature_map(%q: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'mix.linear_attention' op attribute 'feature_map' failed to satisfy constraint: feature map applied to queries and keys of linear attention}}
  %o = mix.linear_attention %q, %q, %q {feature_map = #mix.direction<forward>} : (tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @selective_scan_feature_map_as_direction(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op attribute 'direction' failed to satisfy constraint: direction in which a state-space recurrence runs over the sequence}}
  %y = mix.selective_scan %x, %x, %A, %B, %B {direction = #mix.feature_map<relu>} : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}
