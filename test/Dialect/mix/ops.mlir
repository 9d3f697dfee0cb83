// RUN: mixc-opt %s -split-input-file | mixc-opt -split-input-file | FileCheck %s
// RUN: mixc-opt %s -split-input-file -mlir-print-op-generic | mixc-opt -split-input-file | FileCheck %s

// Round trip of every mix op, every attribute and every optional operand and
// result, through the custom and the generic printed form. Attributes print
// sorted by name; default values (sink_tokens = 0, feature_map identity,
// direction forward) are elided.

//===----------------------------------------------------------------------===//
// mix.attention
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @attention_plain_f32(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<2x8x128x64xf32>, %[[K:[a-z0-9]+]]: tensor<2x8x128x64xf32>, %[[V:[a-z0-9]+]]: tensor<2x8x128x64xf32>)
// CHECK:         %[[O:[a-z0-9_]+]] = mix.attention %[[Q]], %[[K]], %[[V]] : (tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32>
// CHECK-NEXT:    return %[[O]]
func.func @attention_plain_f32(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>, %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  %o = mix.attention %q, %k, %v : (tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

// The value head dim (Dv = 32) differs from the query/key head dim (D = 64);
// the output takes Dv.
// CHECK-LABEL: func @attention_value_head_dim_differs(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x4x16x64xf16>, tensor<1x4x32x64xf16>, tensor<1x4x32x32xf16>) -> tensor<1x4x16x32xf16>
func.func @attention_value_head_dim_differs(%q: tensor<1x4x16x64xf16>, %k: tensor<1x4x32x64xf16>, %v: tensor<1x4x32x32xf16>) -> tensor<1x4x16x32xf16> {
  %o = mix.attention %q, %k, %v : (tensor<1x4x16x64xf16>, tensor<1x4x32x64xf16>, tensor<1x4x32x32xf16>) -> tensor<1x4x16x32xf16>
  return %o : tensor<1x4x16x32xf16>
}

// -----

// CHECK-LABEL: func @attention_scale(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.250000e-01 : f32} : (tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>) -> tensor<1x2x16x64xf32>
func.func @attention_scale(%q: tensor<1x2x16x64xf32>) -> tensor<1x2x16x64xf32> {
  %o = mix.attention %q, %q, %q {scale = 0.125 : f32} : (tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>) -> tensor<1x2x16x64xf32>
  return %o : tensor<1x2x16x64xf32>
}

// -----

// CHECK-LABEL: func @attention_causal(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} : (tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>) -> tensor<1x2x16x64xf16>
func.func @attention_causal(%q: tensor<1x2x16x64xf16>) -> tensor<1x2x16x64xf16> {
  %o = mix.attention %q, %q, %q {causal} : (tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>) -> tensor<1x2x16x64xf16>
  return %o : tensor<1x2x16x64xf16>
}

// -----

// CHECK-LABEL: func @attention_window_left_right(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {window_left = 128 : i64, window_right = 32 : i64} : (tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>) -> tensor<1x2x512x64xbf16>
func.func @attention_window_left_right(%q: tensor<1x2x512x64xbf16>) -> tensor<1x2x512x64xbf16> {
  %o = mix.attention %q, %q, %q {window_right = 32 : i64, window_left = 128 : i64} : (tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>) -> tensor<1x2x512x64xbf16>
  return %o : tensor<1x2x512x64xbf16>
}

// -----

// A zero-width window is legal (each query sees only its own position).
// CHECK-LABEL: func @attention_zero_windows(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {window_left = 0 : i64, window_right = 0 : i64} : (tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32>
func.func @attention_zero_windows(%q: tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32> {
  %o = mix.attention %q, %q, %q {window_left = 0 : i64, window_right = 0 : i64} : (tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32>
  return %o : tensor<1x1x8x16xf32>
}

// -----

// CHECK-LABEL: func @attention_causal_window_sinks(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {causal, sink_tokens = 4 : i64, window_left = 256 : i64} : (tensor<2x8x1024x128xbf16>, tensor<2x8x1024x128xbf16>, tensor<2x8x1024x128xbf16>) -> tensor<2x8x1024x128xbf16>
func.func @attention_causal_window_sinks(%q: tensor<2x8x1024x128xbf16>) -> tensor<2x8x1024x128xbf16> {
  %o = mix.attention %q, %q, %q {causal, window_left = 256 : i64, sink_tokens = 4 : i64} : (tensor<2x8x1024x128xbf16>, tensor<2x8x1024x128xbf16>, tensor<2x8x1024x128xbf16>) -> tensor<2x8x1024x128xbf16>
  return %o : tensor<2x8x1024x128xbf16>
}

// -----

// Sinks with a non-causal sliding window.
// CHECK-LABEL: func @attention_window_sinks_noncausal(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {sink_tokens = 1 : i64, window_left = 64 : i64, window_right = 64 : i64} : (tensor<1x2x256x64xf16>, tensor<1x2x256x64xf16>, tensor<1x2x256x64xf16>) -> tensor<1x2x256x64xf16>
func.func @attention_window_sinks_noncausal(%q: tensor<1x2x256x64xf16>) -> tensor<1x2x256x64xf16> {
  %o = mix.attention %q, %q, %q {window_left = 64 : i64, window_right = 64 : i64, sink_tokens = 1 : i64} : (tensor<1x2x256x64xf16>, tensor<1x2x256x64xf16>, tensor<1x2x256x64xf16>) -> tensor<1x2x256x64xf16>
  return %o : tensor<1x2x256x64xf16>
}

// -----

// An explicit sink_tokens = 0 is the default and is not printed.
// CHECK-LABEL: func @attention_sink_tokens_default_elided(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32>
func.func @attention_sink_tokens_default_elided(%q: tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32> {
  %o = mix.attention %q, %q, %q {sink_tokens = 0 : i64} : (tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32>
  return %o : tensor<1x1x8x16xf32>
}

// -----

// Grouped-query attention: 8 query heads read 2 key/value heads.
// CHECK-LABEL: func @attention_gqa(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<2x8x256x128xbf16>, %[[K:[a-z0-9]+]]: tensor<2x2x256x128xbf16>, %[[V:[a-z0-9]+]]: tensor<2x2x256x128xbf16>)
// CHECK:         mix.attention %[[Q]], %[[K]], %[[V]] {causal} : (tensor<2x8x256x128xbf16>, tensor<2x2x256x128xbf16>, tensor<2x2x256x128xbf16>) -> tensor<2x8x256x128xbf16>
func.func @attention_gqa(%q: tensor<2x8x256x128xbf16>, %k: tensor<2x2x256x128xbf16>, %v: tensor<2x2x256x128xbf16>) -> tensor<2x8x256x128xbf16> {
  %o = mix.attention %q, %k, %v {causal} : (tensor<2x8x256x128xbf16>, tensor<2x2x256x128xbf16>, tensor<2x2x256x128xbf16>) -> tensor<2x8x256x128xbf16>
  return %o : tensor<2x8x256x128xbf16>
}

// -----

// Multi-query attention: one key/value head for all query heads.
// CHECK-LABEL: func @attention_mqa(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x16x64x64xf16>, tensor<1x1x64x64xf16>, tensor<1x1x64x64xf16>) -> tensor<1x16x64x64xf16>
func.func @attention_mqa(%q: tensor<1x16x64x64xf16>, %k: tensor<1x1x64x64xf16>) -> tensor<1x16x64x64xf16> {
  %o = mix.attention %q, %k, %k : (tensor<1x16x64x64xf16>, tensor<1x1x64x64xf16>, tensor<1x1x64x64xf16>) -> tensor<1x16x64x64xf16>
  return %o : tensor<1x16x64x64xf16>
}

// -----

// Cross attention: Lq (16) differs from Lk (48).
// CHECK-LABEL: func @attention_cross_lengths(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x2x16x32xf32>, tensor<1x2x48x32xf32>, tensor<1x2x48x32xf32>) -> tensor<1x2x16x32xf32>
func.func @attention_cross_lengths(%q: tensor<1x2x16x32xf32>, %k: tensor<1x2x48x32xf32>) -> tensor<1x2x16x32xf32> {
  %o = mix.attention %q, %k, %k : (tensor<1x2x16x32xf32>, tensor<1x2x48x32xf32>, tensor<1x2x48x32xf32>) -> tensor<1x2x16x32xf32>
  return %o : tensor<1x2x16x32xf32>
}

// -----

// CHECK-LABEL: func @attention_bias_broadcast(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<2x4x100x64xf16>, %[[B:[a-z0-9]+]]: tensor<1x1x100x100xf32>)
// CHECK:         mix.attention %[[Q]], %[[Q]], %[[Q]] bias(%[[B]]) : (tensor<2x4x100x64xf16>, tensor<2x4x100x64xf16>, tensor<2x4x100x64xf16>, tensor<1x1x100x100xf32>) -> tensor<2x4x100x64xf16>
func.func @attention_bias_broadcast(%q: tensor<2x4x100x64xf16>, %b: tensor<1x1x100x100xf32>) -> tensor<2x4x100x64xf16> {
  %o = mix.attention %q, %q, %q bias(%b) : (tensor<2x4x100x64xf16>, tensor<2x4x100x64xf16>, tensor<2x4x100x64xf16>, tensor<1x1x100x100xf32>) -> tensor<2x4x100x64xf16>
  return %o : tensor<2x4x100x64xf16>
}

// -----

// CHECK-LABEL: func @attention_bias_full(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<2x4x16x64xf16>, %[[K:[a-z0-9]+]]: tensor<2x4x24x64xf16>, %[[B:[a-z0-9]+]]: tensor<2x4x16x24xf16>)
// CHECK:         mix.attention %[[Q]], %[[K]], %[[K]] bias(%[[B]]) {scale = 5.000000e-01 : f32} : (tensor<2x4x16x64xf16>, tensor<2x4x24x64xf16>, tensor<2x4x24x64xf16>, tensor<2x4x16x24xf16>) -> tensor<2x4x16x64xf16>
func.func @attention_bias_full(%q: tensor<2x4x16x64xf16>, %k: tensor<2x4x24x64xf16>, %b: tensor<2x4x16x24xf16>) -> tensor<2x4x16x64xf16> {
  %o = mix.attention %q, %k, %k bias(%b) {scale = 0.5 : f32} : (tensor<2x4x16x64xf16>, tensor<2x4x24x64xf16>, tensor<2x4x24x64xf16>, tensor<2x4x16x24xf16>) -> tensor<2x4x16x64xf16>
  return %o : tensor<2x4x16x64xf16>
}

// -----

// Bias broadcast over the batch only ([1, Hq, Lq, Lk]) and over the heads
// only ([B, 1, Lq, Lk]).
// CHECK-LABEL: func @attention_bias_partial_broadcast(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}}) : (tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>, tensor<1x4x16x16xbf16>) -> tensor<2x4x16x64xbf16>
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}}) : (tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>, tensor<2x1x16x16xbf16>) -> tensor<2x4x16x64xbf16>
func.func @attention_bias_partial_broadcast(%q: tensor<2x4x16x64xbf16>, %b0: tensor<1x4x16x16xbf16>, %b1: tensor<2x1x16x16xbf16>) -> (tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>) {
  %o0 = mix.attention %q, %q, %q bias(%b0) : (tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>, tensor<1x4x16x16xbf16>) -> tensor<2x4x16x64xbf16>
  %o1 = mix.attention %q, %q, %q bias(%b1) : (tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>, tensor<2x1x16x16xbf16>) -> tensor<2x4x16x64xbf16>
  return %o0, %o1 : tensor<2x4x16x64xbf16>, tensor<2x4x16x64xbf16>
}

// -----

// Lq = 100 and Lk = 200 with 64x64 blocks: ceil(100/64) = 2 row blocks and
// ceil(200/64) = 4 column blocks, the last ones partial.
// CHECK-LABEL: func @attention_block_mask_i1_partial_blocks(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<1x2x100x64xf16>, %[[K:[a-z0-9]+]]: tensor<1x2x200x64xf16>, %[[M:[a-z0-9]+]]: tensor<1x1x2x4xi1>)
// CHECK:         mix.attention %[[Q]], %[[K]], %[[K]] block_mask(%[[M]]) {block_sizes = array<i64: 64, 64>} : (tensor<1x2x100x64xf16>, tensor<1x2x200x64xf16>, tensor<1x2x200x64xf16>, tensor<1x1x2x4xi1>) -> tensor<1x2x100x64xf16>
func.func @attention_block_mask_i1_partial_blocks(%q: tensor<1x2x100x64xf16>, %k: tensor<1x2x200x64xf16>, %m: tensor<1x1x2x4xi1>) -> tensor<1x2x100x64xf16> {
  %o = mix.attention %q, %k, %k block_mask(%m) {block_sizes = array<i64: 64, 64>} : (tensor<1x2x100x64xf16>, tensor<1x2x200x64xf16>, tensor<1x2x200x64xf16>, tensor<1x1x2x4xi1>) -> tensor<1x2x100x64xf16>
  return %o : tensor<1x2x100x64xf16>
}

// -----

// Full-size i8 mask with different query and key block sizes:
// ceil(1000/128) = 8 and ceil(1000/64) = 16.
// CHECK-LABEL: func @attention_block_mask_i8_full(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} block_mask(%{{.*}}) {block_sizes = array<i64: 128, 64>, causal} : (tensor<2x4x1000x64xbf16>, tensor<2x4x1000x64xbf16>, tensor<2x4x1000x64xbf16>, tensor<2x4x8x16xi8>) -> tensor<2x4x1000x64xbf16>
func.func @attention_block_mask_i8_full(%q: tensor<2x4x1000x64xbf16>, %m: tensor<2x4x8x16xi8>) -> tensor<2x4x1000x64xbf16> {
  %o = mix.attention %q, %q, %q block_mask(%m) {causal, block_sizes = array<i64: 128, 64>} : (tensor<2x4x1000x64xbf16>, tensor<2x4x1000x64xbf16>, tensor<2x4x1000x64xbf16>, tensor<2x4x8x16xi8>) -> tensor<2x4x1000x64xbf16>
  return %o : tensor<2x4x1000x64xbf16>
}

// -----

// Block size 1 (a token-level mask) and block sizes larger than the lengths
// (one block per side).
// CHECK-LABEL: func @attention_block_mask_extreme_block_sizes(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} block_mask(%{{.*}}) {block_sizes = array<i64: 1, 1>} : (tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x10x10xi1>) -> tensor<1x1x10x16xf32>
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} block_mask(%{{.*}}) {block_sizes = array<i64: 128, 128>} : (tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x1x1xi1>) -> tensor<1x1x10x16xf32>
func.func @attention_block_mask_extreme_block_sizes(%q: tensor<1x1x10x16xf32>, %m0: tensor<1x1x10x10xi1>, %m1: tensor<1x1x1x1xi1>) -> (tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>) {
  %o0 = mix.attention %q, %q, %q block_mask(%m0) {block_sizes = array<i64: 1, 1>} : (tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x10x10xi1>) -> tensor<1x1x10x16xf32>
  %o1 = mix.attention %q, %q, %q block_mask(%m1) {block_sizes = array<i64: 128, 128>} : (tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x1x1xi1>) -> tensor<1x1x10x16xf32>
  return %o0, %o1 : tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>
}

// -----

// Both optional operands: bias is printed before block_mask.
// CHECK-LABEL: func @attention_bias_and_block_mask(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<1x2x128x64xf16>, %[[B:[a-z0-9]+]]: tensor<1x2x128x128xf16>, %[[M:[a-z0-9]+]]: tensor<1x2x2x2xi1>)
// CHECK:         mix.attention %[[Q]], %[[Q]], %[[Q]] bias(%[[B]]) block_mask(%[[M]]) {block_sizes = array<i64: 64, 64>} : (tensor<1x2x128x64xf16>, tensor<1x2x128x64xf16>, tensor<1x2x128x64xf16>, tensor<1x2x128x128xf16>, tensor<1x2x2x2xi1>) -> tensor<1x2x128x64xf16>
func.func @attention_bias_and_block_mask(%q: tensor<1x2x128x64xf16>, %b: tensor<1x2x128x128xf16>, %m: tensor<1x2x2x2xi1>) -> tensor<1x2x128x64xf16> {
  %o = mix.attention %q, %q, %q bias(%b) block_mask(%m) {block_sizes = array<i64: 64, 64>} : (tensor<1x2x128x64xf16>, tensor<1x2x128x64xf16>, tensor<1x2x128x64xf16>, tensor<1x2x128x128xf16>, tensor<1x2x2x2xi1>) -> tensor<1x2x128x64xf16>
  return %o : tensor<1x2x128x64xf16>
}

// -----

// CHECK-LABEL: func @attention_lse(
// CHECK:         %[[O:[a-z0-9_]+]], %[[L:[a-z0-9_]+]] = mix.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} : (tensor<2x8x128x64xbf16>, tensor<2x2x128x64xbf16>, tensor<2x2x128x64xbf16>) -> (tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>)
// CHECK-NEXT:    return %[[O]], %[[L]]
func.func @attention_lse(%q: tensor<2x8x128x64xbf16>, %k: tensor<2x2x128x64xbf16>) -> (tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>) {
  %o, %lse = mix.attention %q, %k, %k {causal} : (tensor<2x8x128x64xbf16>, tensor<2x2x128x64xbf16>, tensor<2x2x128x64xbf16>) -> (tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>)
  return %o, %lse : tensor<2x8x128x64xbf16>, tensor<2x8x128xf32>
}

// -----

// Dynamic batch and lengths; the rules are checked on the static dims only.
// CHECK-LABEL: func @attention_dynamic_dims(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}}) block_mask(%{{.*}}) {block_sizes = array<i64: 64, 64>, causal} : (tensor<?x8x?x64xf16>, tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>, tensor<1x1x?x?xf32>, tensor<?x1x?x?xi1>) -> (tensor<?x8x?x64xf16>, tensor<?x8x?xf32>)
func.func @attention_dynamic_dims(%q: tensor<?x8x?x64xf16>, %k: tensor<?x2x?x64xf16>, %b: tensor<1x1x?x?xf32>, %m: tensor<?x1x?x?xi1>) -> (tensor<?x8x?x64xf16>, tensor<?x8x?xf32>) {
  %o, %lse = mix.attention %q, %k, %k bias(%b) block_mask(%m) {causal, block_sizes = array<i64: 64, 64>} : (tensor<?x8x?x64xf16>, tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>, tensor<1x1x?x?xf32>, tensor<?x1x?x?xi1>) -> (tensor<?x8x?x64xf16>, tensor<?x8x?xf32>)
  return %o, %lse : tensor<?x8x?x64xf16>, tensor<?x8x?xf32>
}

// -----

// Dynamic head counts and head dims, the mask rows static against a dynamic
// query length.
// CHECK-LABEL: func @attention_dynamic_heads_and_head_dim(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} block_mask(%{{.*}}) {block_sizes = array<i64: 32, 32>} : (tensor<1x?x?x?xf32>, tensor<1x?x?x?xf32>, tensor<1x?x?x?xf32>, tensor<1x1x4x4xi8>) -> tensor<1x?x?x?xf32>
func.func @attention_dynamic_heads_and_head_dim(%q: tensor<1x?x?x?xf32>, %m: tensor<1x1x4x4xi8>) -> tensor<1x?x?x?xf32> {
  %o = mix.attention %q, %q, %q block_mask(%m) {block_sizes = array<i64: 32, 32>} : (tensor<1x?x?x?xf32>, tensor<1x?x?x?xf32>, tensor<1x?x?x?xf32>, tensor<1x1x4x4xi8>) -> tensor<1x?x?x?xf32>
  return %o : tensor<1x?x?x?xf32>
}

// -----

// CHECK-LABEL: func @attention_f16(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>) -> tensor<1x2x16x64xf32>
func.func @attention_f16(%q: tensor<1x2x16x64xf16>) -> tensor<1x2x16x64xf32> {
  %o = mix.attention %q, %q, %q : (tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>, tensor<1x2x16x64xf16>) -> tensor<1x2x16x64xf32>
  return %o : tensor<1x2x16x64xf32>
}

// -----

// CHECK-LABEL: func @attention_bf16(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x2x16x64xbf16>, tensor<1x2x16x64xbf16>, tensor<1x2x16x64xbf16>) -> tensor<1x2x16x64xf16>
func.func @attention_bf16(%q: tensor<1x2x16x64xbf16>) -> tensor<1x2x16x64xf16> {
  %o = mix.attention %q, %q, %q : (tensor<1x2x16x64xbf16>, tensor<1x2x16x64xbf16>, tensor<1x2x16x64xbf16>) -> tensor<1x2x16x64xf16>
  return %o : tensor<1x2x16x64xf16>
}

// -----

// Quantized query and key (fp8 e4m3), bf16 value and output.
// CHECK-LABEL: func @attention_f8E4M3FN_query_key(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 6.250000e-02 : f32} : (tensor<1x4x64x128xf8E4M3FN>, tensor<1x4x64x128xf8E4M3FN>, tensor<1x4x64x128xbf16>) -> tensor<1x4x64x128xbf16>
func.func @attention_f8E4M3FN_query_key(%q: tensor<1x4x64x128xf8E4M3FN>, %k: tensor<1x4x64x128xf8E4M3FN>, %v: tensor<1x4x64x128xbf16>) -> tensor<1x4x64x128xbf16> {
  %o = mix.attention %q, %k, %v {scale = 0.0625 : f32} : (tensor<1x4x64x128xf8E4M3FN>, tensor<1x4x64x128xf8E4M3FN>, tensor<1x4x64x128xbf16>) -> tensor<1x4x64x128xbf16>
  return %o : tensor<1x4x64x128xbf16>
}

// -----

// fp8 e5m2 for query, key and value; f32 output.
// CHECK-LABEL: func @attention_f8E5M2_all_inputs(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x4x64x128xf8E5M2>, tensor<1x4x64x128xf8E5M2>, tensor<1x4x64x128xf8E5M2>) -> tensor<1x4x64x128xf32>
func.func @attention_f8E5M2_all_inputs(%q: tensor<1x4x64x128xf8E5M2>) -> tensor<1x4x64x128xf32> {
  %o = mix.attention %q, %q, %q : (tensor<1x4x64x128xf8E5M2>, tensor<1x4x64x128xf8E5M2>, tensor<1x4x64x128xf8E5M2>) -> tensor<1x4x64x128xf32>
  return %o : tensor<1x4x64x128xf32>
}

// -----

// Quantized query and key (i8), bf16 value and output.
// CHECK-LABEL: func @attention_i8_query_key(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} : (tensor<1x4x64x128xi8>, tensor<1x4x64x128xi8>, tensor<1x4x64x128xbf16>) -> tensor<1x4x64x128xbf16>
func.func @attention_i8_query_key(%q: tensor<1x4x64x128xi8>, %k: tensor<1x4x64x128xi8>, %v: tensor<1x4x64x128xbf16>) -> tensor<1x4x64x128xbf16> {
  %o = mix.attention %q, %k, %v {causal} : (tensor<1x4x64x128xi8>, tensor<1x4x64x128xi8>, tensor<1x4x64x128xbf16>) -> tensor<1x4x64x128xbf16>
  return %o : tensor<1x4x64x128xbf16>
}

// -----

// CHECK-LABEL: func @attention_schedule_mma_sync(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {causal, schedule = #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 64, stages = 2, warps = 4}>} : (tensor<2x8x1024x128xbf16>, tensor<2x2x1024x128xbf16>, tensor<2x2x1024x128xbf16>) -> tensor<2x8x1024x128xbf16>
func.func @attention_schedule_mma_sync(%q: tensor<2x8x1024x128xbf16>, %k: tensor<2x2x1024x128xbf16>) -> tensor<2x8x1024x128xbf16> {
  %o = mix.attention %q, %k, %k {causal, schedule = #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 64, warps = 4, stages = 2}>} : (tensor<2x8x1024x128xbf16>, tensor<2x2x1024x128xbf16>, tensor<2x2x1024x128xbf16>) -> tensor<2x8x1024x128xbf16>
  return %o : tensor<2x8x1024x128xbf16>
}

// -----

// CHECK-LABEL: func @attention_schedule_wgmma(
// CHECK:         mix.attention %{{.*}}, %{{.*}}, %{{.*}} {schedule = #mix.schedule<attention.wgmma, {block_m = 192, block_n = 176, consumer_warpgroups = 3, stages = 4, tma = 0, warp_specialize = 0}>} : (tensor<1x16x4096x256xf16>, tensor<1x16x4096x256xf16>, tensor<1x16x4096x256xf16>) -> tensor<1x16x4096x256xf16>
func.func @attention_schedule_wgmma(%q: tensor<1x16x4096x256xf16>) -> tensor<1x16x4096x256xf16> {
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {block_m = 192, block_n = 176, consumer_warpgroups = 3, stages = 4, tma = 0, warp_specialize = 0}>} : (tensor<1x16x4096x256xf16>, tensor<1x16x4096x256xf16>, tensor<1x16x4096x256xf16>) -> tensor<1x16x4096x256xf16>
  return %o : tensor<1x16x4096x256xf16>
}

// -----

// Every attribute, both optional operands and the lse result at once.
// CHECK-LABEL: func @attention_everything(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<2x8x100x64xf16>, %[[K:[a-z0-9]+]]: tensor<2x2x100x64xf16>, %[[V:[a-z0-9]+]]: tensor<2x2x100x32xf16>, %[[B:[a-z0-9]+]]: tensor<1x8x100x100xf32>, %[[M:[a-z0-9]+]]: tensor<2x1x2x2xi8>)
// CHECK:         %[[O:[a-z0-9_]+]], %[[L:[a-z0-9_]+]] = mix.attention %[[Q]], %[[K]], %[[V]] bias(%[[B]]) block_mask(%[[M]]) {block_sizes = array<i64: 64, 64>, scale = 2.500000e-01 : f32, schedule = #mix.schedule<attention.mma_sync, {}>, sink_tokens = 2 : i64, window_left = 16 : i64, window_right = 8 : i64} : (tensor<2x8x100x64xf16>, tensor<2x2x100x64xf16>, tensor<2x2x100x32xf16>, tensor<1x8x100x100xf32>, tensor<2x1x2x2xi8>) -> (tensor<2x8x100x32xbf16>, tensor<2x8x100xf32>)
// CHECK-NEXT:    return %[[O]], %[[L]]
func.func @attention_everything(%q: tensor<2x8x100x64xf16>, %k: tensor<2x2x100x64xf16>, %v: tensor<2x2x100x32xf16>, %b: tensor<1x8x100x100xf32>, %m: tensor<2x1x2x2xi8>) -> (tensor<2x8x100x32xbf16>, tensor<2x8x100xf32>) {
  %o, %lse = mix.attention %q, %k, %v bias(%b) block_mask(%m) {scale = 0.25 : f32, window_left = 16 : i64, window_right = 8 : i64, sink_tokens = 2 : i64, block_sizes = array<i64: 64, 64>, schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<2x8x100x64xf16>, tensor<2x2x100x64xf16>, tensor<2x2x100x32xf16>, tensor<1x8x100x100xf32>, tensor<2x1x2x2xi8>) -> (tensor<2x8x100x32xbf16>, tensor<2x8x100xf32>)
  return %o, %lse : tensor<2x8x100x32xbf16>, tensor<2x8x100xf32>
}

// -----

//===----------------------------------------------------------------------===//
// mix.linear_attention
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @linear_attention_plain(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<1x4x512x64xf32>, %[[K:[a-z0-9]+]]: tensor<1x4x512x64xf32>, %[[V:[a-z0-9]+]]: tensor<1x4x512x32xf32>)
// CHECK:         %[[O:[a-z0-9_]+]] = mix.linear_attention %[[Q]], %[[K]], %[[V]] : (tensor<1x4x512x64xf32>, tensor<1x4x512x64xf32>, tensor<1x4x512x32xf32>) -> tensor<1x4x512x32xf32>
// CHECK-NEXT:    return %[[O]]
func.func @linear_attention_plain(%q: tensor<1x4x512x64xf32>, %k: tensor<1x4x512x64xf32>, %v: tensor<1x4x512x32xf32>) -> tensor<1x4x512x32xf32> {
  %o = mix.linear_attention %q, %k, %v : (tensor<1x4x512x64xf32>, tensor<1x4x512x64xf32>, tensor<1x4x512x32xf32>) -> tensor<1x4x512x32xf32>
  return %o : tensor<1x4x512x32xf32>
}

// -----

// CHECK-LABEL: func @linear_attention_causal_normalize(
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} {causal, normalize} : (tensor<2x4x128x64xbf16>, tensor<2x4x128x64xbf16>, tensor<2x4x128x64xbf16>) -> tensor<2x4x128x64xbf16>
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} {normalize} : (tensor<2x4x128x64xbf16>, tensor<2x4x128x64xbf16>, tensor<2x4x128x64xbf16>) -> tensor<2x4x128x64xf32>
func.func @linear_attention_causal_normalize(%q: tensor<2x4x128x64xbf16>) -> (tensor<2x4x128x64xbf16>, tensor<2x4x128x64xf32>) {
  %o0 = mix.linear_attention %q, %q, %q {normalize, causal} : (tensor<2x4x128x64xbf16>, tensor<2x4x128x64xbf16>, tensor<2x4x128x64xbf16>) -> tensor<2x4x128x64xbf16>
  %o1 = mix.linear_attention %q, %q, %q {normalize} : (tensor<2x4x128x64xbf16>, tensor<2x4x128x64xbf16>, tensor<2x4x128x64xbf16>) -> tensor<2x4x128x64xf32>
  return %o0, %o1 : tensor<2x4x128x64xbf16>, tensor<2x4x128x64xf32>
}

// -----

// CHECK-LABEL: func @linear_attention_feature_maps(
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>) -> tensor<1x4x64x32xf32>
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} {causal, feature_map = #mix.feature_map<elu_plus_one>} : (tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>) -> tensor<1x4x64x32xf32>
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} {feature_map = #mix.feature_map<relu>, normalize} : (tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>) -> tensor<1x4x64x32xf32>
func.func @linear_attention_feature_maps(%q: tensor<1x4x64x32xf32>) -> (tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>) {
  %0 = mix.linear_attention %q, %q, %q {feature_map = #mix.feature_map<identity>} : (tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>) -> tensor<1x4x64x32xf32>
  %1 = mix.linear_attention %q, %q, %q {causal, feature_map = #mix.feature_map<elu_plus_one>} : (tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>) -> tensor<1x4x64x32xf32>
  %2 = mix.linear_attention %q, %q, %q {normalize, feature_map = #mix.feature_map<relu>} : (tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>) -> tensor<1x4x64x32xf32>
  return %0, %1, %2 : tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>, tensor<1x4x64x32xf32>
}

// -----

// The documented example of mix.linear_attention (MixOps.td).
// CHECK-LABEL: func @linear_attention_documented_example(
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} decay(%{{.*}}) {causal, feature_map = #mix.feature_map<elu_plus_one>} : (tensor<1x4x512x64xf32>, tensor<1x4x512x64xf32>, tensor<1x4x512x64xf32>, tensor<4xf32>) -> tensor<1x4x512x64xf32>
func.func @linear_attention_documented_example(%q: tensor<1x4x512x64xf32>, %g: tensor<4xf32>) -> tensor<1x4x512x64xf32> {
  %o = mix.linear_attention %q, %q, %q decay(%g) {causal, feature_map = #mix.feature_map<elu_plus_one>}
      : (tensor<1x4x512x64xf32>, tensor<1x4x512x64xf32>, tensor<1x4x512x64xf32>, tensor<4xf32>)
      -> tensor<1x4x512x64xf32>
  return %o : tensor<1x4x512x64xf32>
}

// -----

// A per-head decay [H] (RetNet), causal and not.
// CHECK-LABEL: func @linear_attention_decay_per_head(
// CHECK-SAME:    %[[Q:[a-z0-9]+]]: tensor<1x4x512x64xf16>, %[[G:[a-z0-9]+]]: tensor<4xf32>)
// CHECK:         mix.linear_attention %[[Q]], %[[Q]], %[[Q]] decay(%[[G]]) {causal} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<4xf32>) -> tensor<1x4x512x64xf16>
// CHECK:         mix.linear_attention %[[Q]], %[[Q]], %[[Q]] decay(%[[G]]) : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<4xf32>) -> tensor<1x4x512x64xf16>
func.func @linear_attention_decay_per_head(%q: tensor<1x4x512x64xf16>, %g: tensor<4xf32>) -> (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) {
  %o0 = mix.linear_attention %q, %q, %q decay(%g) {causal} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<4xf32>) -> tensor<1x4x512x64xf16>
  %o1 = mix.linear_attention %q, %q, %q decay(%g) : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<4xf32>) -> tensor<1x4x512x64xf16>
  return %o0, %o1 : tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>
}

// -----

// A per-token decay [B, H, L] (gated linear attention) needs causal.
// CHECK-LABEL: func @linear_attention_decay_per_token_causal(
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} decay(%{{.*}}) {causal, normalize} : (tensor<2x4x256x64xf32>, tensor<2x4x256x64xf32>, tensor<2x4x256x128xf32>, tensor<2x4x256xf32>) -> tensor<2x4x256x128xf32>
func.func @linear_attention_decay_per_token_causal(%q: tensor<2x4x256x64xf32>, %v: tensor<2x4x256x128xf32>, %g: tensor<2x4x256xf32>) -> tensor<2x4x256x128xf32> {
  %o = mix.linear_attention %q, %q, %v decay(%g) {causal, normalize} : (tensor<2x4x256x64xf32>, tensor<2x4x256x64xf32>, tensor<2x4x256x128xf32>, tensor<2x4x256xf32>) -> tensor<2x4x256x128xf32>
  return %o : tensor<2x4x256x128xf32>
}

// -----

// CHECK-LABEL: func @linear_attention_dynamic_dims(
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} decay(%{{.*}}) {causal} : (tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x?x?xf32>) -> tensor<?x4x?x64xf16>
func.func @linear_attention_dynamic_dims(%q: tensor<?x4x?x64xf16>, %g: tensor<?x?x?xf32>) -> tensor<?x4x?x64xf16> {
  %o = mix.linear_attention %q, %q, %q decay(%g) {causal} : (tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x?x?xf32>) -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}

// -----

// CHECK-LABEL: func @linear_attention_f8_inputs(
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x2x64x32xf8E4M3FN>, tensor<1x2x64x32xf8E4M3FN>, tensor<1x2x64x32xf8E5M2>) -> tensor<1x2x64x32xbf16>
func.func @linear_attention_f8_inputs(%q: tensor<1x2x64x32xf8E4M3FN>, %v: tensor<1x2x64x32xf8E5M2>) -> tensor<1x2x64x32xbf16> {
  %o = mix.linear_attention %q, %q, %v : (tensor<1x2x64x32xf8E4M3FN>, tensor<1x2x64x32xf8E4M3FN>, tensor<1x2x64x32xf8E5M2>) -> tensor<1x2x64x32xbf16>
  return %o : tensor<1x2x64x32xbf16>
}

// -----

// CHECK-LABEL: func @linear_attention_schedule_chunked(
// CHECK:         mix.linear_attention %{{.*}}, %{{.*}}, %{{.*}} {causal, schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 128, stages = 3, warps = 8}>} : (tensor<1x4x512x64xbf16>, tensor<1x4x512x64xbf16>, tensor<1x4x512x64xbf16>) -> tensor<1x4x512x64xbf16>
func.func @linear_attention_schedule_chunked(%q: tensor<1x4x512x64xbf16>) -> tensor<1x4x512x64xbf16> {
  %o = mix.linear_attention %q, %q, %q {causal, schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 128, warps = 8, stages = 3}>} : (tensor<1x4x512x64xbf16>, tensor<1x4x512x64xbf16>, tensor<1x4x512x64xbf16>) -> tensor<1x4x512x64xbf16>
  return %o : tensor<1x4x512x64xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// mix.selective_scan
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @selective_scan_minimal(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<2x64x256xf32>, %[[DT:[a-z0-9]+]]: tensor<2x64x256xf32>, %[[A:[a-z0-9]+]]: tensor<64x16xf32>, %[[B:[a-z0-9]+]]: tensor<2x1x16x256xf32>, %[[C:[a-z0-9]+]]: tensor<2x1x16x256xf32>)
// CHECK:         %[[Y:[a-z0-9_]+]] = mix.selective_scan %[[X]], %[[DT]], %[[A]], %[[B]], %[[C]] : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @selective_scan_minimal(%x: tensor<2x64x256xf32>, %dt: tensor<2x64x256xf32>, %A: tensor<64x16xf32>, %B: tensor<2x1x16x256xf32>, %C: tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32> {
  %y = mix.selective_scan %x, %dt, %A, %B, %C : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
  return %y : tensor<2x64x256xf32>
}

// -----

// CHECK-LABEL: func @selective_scan_skip_gate_delta_bias(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<2x64x256xf32>, %[[A:[a-z0-9]+]]: tensor<64x16xf32>, %[[B:[a-z0-9]+]]: tensor<2x1x16x256xf32>, %[[D:[a-z0-9]+]]: tensor<64xf32>, %[[Z:[a-z0-9]+]]: tensor<2x64x256xf32>, %[[DB:[a-z0-9]+]]: tensor<64xf32>)
// CHECK:         mix.selective_scan %[[X]], %[[X]], %[[A]], %[[B]], %[[B]] skip(%[[D]]) gate(%[[Z]]) delta_bias(%[[DB]]) {delta_softplus} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>, tensor<64xf32>, tensor<2x64x256xf32>, tensor<64xf32>) -> tensor<2x64x256xf32>
func.func @selective_scan_skip_gate_delta_bias(%x: tensor<2x64x256xf32>, %A: tensor<64x16xf32>, %B: tensor<2x1x16x256xf32>, %D: tensor<64xf32>, %z: tensor<2x64x256xf32>, %db: tensor<64xf32>) -> tensor<2x64x256xf32> {
  %y = mix.selective_scan %x, %x, %A, %B, %B skip(%D) gate(%z) delta_bias(%db) {delta_softplus} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>, tensor<64xf32>, tensor<2x64x256xf32>, tensor<64xf32>) -> tensor<2x64x256xf32>
  return %y : tensor<2x64x256xf32>
}

// -----

// Each optional operand alone, so that the operand segments are exercised.
// CHECK-LABEL: func @selective_scan_each_optional_operand(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<1x32x64xbf16>, %[[A:[a-z0-9]+]]: tensor<32x8xf32>, %[[B:[a-z0-9]+]]: tensor<1x1x8x64xbf16>, %[[D:[a-z0-9]+]]: tensor<32xf32>, %[[Z:[a-z0-9]+]]: tensor<1x32x64xbf16>, %[[DB:[a-z0-9]+]]: tensor<32xf32>)
// CHECK:         mix.selective_scan %[[X]], %[[X]], %[[A]], %[[B]], %[[B]] skip(%[[D]]) : (tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<32x8xf32>, tensor<1x1x8x64xbf16>, tensor<1x1x8x64xbf16>, tensor<32xf32>) -> tensor<1x32x64xbf16>
// CHECK:         mix.selective_scan %[[X]], %[[X]], %[[A]], %[[B]], %[[B]] gate(%[[Z]]) : (tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<32x8xf32>, tensor<1x1x8x64xbf16>, tensor<1x1x8x64xbf16>, tensor<1x32x64xbf16>) -> tensor<1x32x64xbf16>
// CHECK:         mix.selective_scan %[[X]], %[[X]], %[[A]], %[[B]], %[[B]] delta_bias(%[[DB]]) {delta_softplus} : (tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<32x8xf32>, tensor<1x1x8x64xbf16>, tensor<1x1x8x64xbf16>, tensor<32xf32>) -> tensor<1x32x64xbf16>
func.func @selective_scan_each_optional_operand(%x: tensor<1x32x64xbf16>, %A: tensor<32x8xf32>, %B: tensor<1x1x8x64xbf16>, %D: tensor<32xf32>, %z: tensor<1x32x64xbf16>, %db: tensor<32xf32>) -> (tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<1x32x64xbf16>) {
  %y0 = mix.selective_scan %x, %x, %A, %B, %B skip(%D) : (tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<32x8xf32>, tensor<1x1x8x64xbf16>, tensor<1x1x8x64xbf16>, tensor<32xf32>) -> tensor<1x32x64xbf16>
  %y1 = mix.selective_scan %x, %x, %A, %B, %B gate(%z) : (tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<32x8xf32>, tensor<1x1x8x64xbf16>, tensor<1x1x8x64xbf16>, tensor<1x32x64xbf16>) -> tensor<1x32x64xbf16>
  %y2 = mix.selective_scan %x, %x, %A, %B, %B delta_bias(%db) {delta_softplus} : (tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<32x8xf32>, tensor<1x1x8x64xbf16>, tensor<1x1x8x64xbf16>, tensor<32xf32>) -> tensor<1x32x64xbf16>
  return %y0, %y1, %y2 : tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<1x32x64xbf16>
}

// -----

// Skip and delta_bias without a gate (the segments are not contiguous).
// CHECK-LABEL: func @selective_scan_skip_and_delta_bias(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<1x32x64xf16>, %[[A:[a-z0-9]+]]: tensor<32x8xf32>, %[[B:[a-z0-9]+]]: tensor<1x1x8x64xf16>, %[[D:[a-z0-9]+]]: tensor<32xf32>, %[[DB:[a-z0-9]+]]: tensor<32xf16>)
// CHECK:         mix.selective_scan %[[X]], %[[X]], %[[A]], %[[B]], %[[B]] skip(%[[D]]) delta_bias(%[[DB]]) : (tensor<1x32x64xf16>, tensor<1x32x64xf16>, tensor<32x8xf32>, tensor<1x1x8x64xf16>, tensor<1x1x8x64xf16>, tensor<32xf32>, tensor<32xf16>) -> tensor<1x32x64xf16>
func.func @selective_scan_skip_and_delta_bias(%x: tensor<1x32x64xf16>, %A: tensor<32x8xf32>, %B: tensor<1x1x8x64xf16>, %D: tensor<32xf32>, %db: tensor<32xf16>) -> tensor<1x32x64xf16> {
  %y = mix.selective_scan %x, %x, %A, %B, %B skip(%D) delta_bias(%db) : (tensor<1x32x64xf16>, tensor<1x32x64xf16>, tensor<32x8xf32>, tensor<1x1x8x64xf16>, tensor<1x1x8x64xf16>, tensor<32xf32>, tensor<32xf16>) -> tensor<1x32x64xf16>
  return %y : tensor<1x32x64xf16>
}

// -----

// CHECK-LABEL: func @selective_scan_directions(
// CHECK:         mix.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
// CHECK:         mix.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip(%{{.*}}) {delta_softplus, direction = #mix.direction<reverse>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>, tensor<64xf32>) -> tensor<2x64x256xf32>
// CHECK:         mix.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip(%{{.*}}) gate(%{{.*}}) delta_bias(%{{.*}}) {direction = #mix.direction<bidirectional>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>, tensor<64xf32>, tensor<2x64x256xf32>, tensor<64xf32>) -> tensor<2x64x256xf32>
func.func @selective_scan_directions(%x: tensor<2x64x256xf32>, %A: tensor<64x16xf32>, %B: tensor<2x1x16x256xf32>, %D: tensor<64xf32>) -> (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<2x64x256xf32>) {
  %0 = mix.selective_scan %x, %x, %A, %B, %B {direction = #mix.direction<forward>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
  %1 = mix.selective_scan %x, %x, %A, %B, %B skip(%D) {direction = #mix.direction<reverse>, delta_softplus} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>, tensor<64xf32>) -> tensor<2x64x256xf32>
  %2 = mix.selective_scan %x, %x, %A, %B, %B skip(%D) gate(%x) delta_bias(%D) {direction = #mix.direction<bidirectional>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>, tensor<64xf32>, tensor<2x64x256xf32>, tensor<64xf32>) -> tensor<2x64x256xf32>
  return %0, %1, %2 : tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<2x64x256xf32>
}

// -----

// G = 4 groups over D = 64 channels (16 channels per group).
// CHECK-LABEL: func @selective_scan_groups(
// CHECK:         mix.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x64x128xf32>, tensor<2x64x128xf32>, tensor<64x16xf32>, tensor<2x4x16x128xf32>, tensor<2x4x16x128xf32>) -> tensor<2x64x128xf32>
// CHECK:         mix.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x64x128xf32>, tensor<2x64x128xf32>, tensor<64x16xf32>, tensor<2x64x16x128xf32>, tensor<2x64x16x128xf32>) -> tensor<2x64x128xf32>
func.func @selective_scan_groups(%x: tensor<2x64x128xf32>, %A: tensor<64x16xf32>, %B4: tensor<2x4x16x128xf32>, %B64: tensor<2x64x16x128xf32>) -> (tensor<2x64x128xf32>, tensor<2x64x128xf32>) {
  %y0 = mix.selective_scan %x, %x, %A, %B4, %B4 : (tensor<2x64x128xf32>, tensor<2x64x128xf32>, tensor<64x16xf32>, tensor<2x4x16x128xf32>, tensor<2x4x16x128xf32>) -> tensor<2x64x128xf32>
  // One group per channel (G = D).
  %y1 = mix.selective_scan %x, %x, %A, %B64, %B64 : (tensor<2x64x128xf32>, tensor<2x64x128xf32>, tensor<64x16xf32>, tensor<2x64x16x128xf32>, tensor<2x64x16x128xf32>) -> tensor<2x64x128xf32>
  return %y0, %y1 : tensor<2x64x128xf32>, tensor<2x64x128xf32>
}

// -----

// CHECK-LABEL: func @selective_scan_dynamic_length(
// CHECK:         mix.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip(%{{.*}}) gate(%{{.*}}) {delta_softplus} : (tensor<?x64x?xf16>, tensor<?x64x?xf16>, tensor<64x16xf32>, tensor<?x2x16x?xf16>, tensor<?x2x16x?xf16>, tensor<64xf32>, tensor<?x64x?xf16>) -> tensor<?x64x?xf16>
func.func @selective_scan_dynamic_length(%x: tensor<?x64x?xf16>, %A: tensor<64x16xf32>, %B: tensor<?x2x16x?xf16>, %D: tensor<64xf32>) -> tensor<?x64x?xf16> {
  %y = mix.selective_scan %x, %x, %A, %B, %B skip(%D) gate(%x) {delta_softplus} : (tensor<?x64x?xf16>, tensor<?x64x?xf16>, tensor<64x16xf32>, tensor<?x2x16x?xf16>, tensor<?x2x16x?xf16>, tensor<64xf32>, tensor<?x64x?xf16>) -> tensor<?x64x?xf16>
  return %y : tensor<?x64x?xf16>
}

// -----

// Dynamic channel and group counts and state dim.
// CHECK-LABEL: func @selective_scan_dynamic_channels(
// CHECK:         mix.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip(%{{.*}}) : (tensor<1x?x32xf32>, tensor<1x?x32xf32>, tensor<?x?xf32>, tensor<1x?x?x32xf32>, tensor<1x?x?x32xf32>, tensor<?xf32>) -> tensor<1x?x32xf32>
func.func @selective_scan_dynamic_channels(%x: tensor<1x?x32xf32>, %A: tensor<?x?xf32>, %B: tensor<1x?x?x32xf32>, %D: tensor<?xf32>) -> tensor<1x?x32xf32> {
  %y = mix.selective_scan %x, %x, %A, %B, %B skip(%D) : (tensor<1x?x32xf32>, tensor<1x?x32xf32>, tensor<?x?xf32>, tensor<1x?x?x32xf32>, tensor<1x?x?x32xf32>, tensor<?xf32>) -> tensor<1x?x32xf32>
  return %y : tensor<1x?x32xf32>
}

// -----

// CHECK-LABEL: func @selective_scan_schedule_chunked(
// CHECK:         mix.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {schedule = #mix.schedule<selective_scan.chunked, {channels_per_block = 2, items_per_thread = 8, threads = 256}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
func.func @selective_scan_schedule_chunked(%x: tensor<2x64x256xf32>, %A: tensor<64x16xf32>, %B: tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32> {
  %y = mix.selective_scan %x, %x, %A, %B, %B {schedule = #mix.schedule<selective_scan.chunked, {threads = 256, items_per_thread = 8, channels_per_block = 2}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
  return %y : tensor<2x64x256xf32>
}

// -----

//===----------------------------------------------------------------------===//
// mix.ssd
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @ssd_forward(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<1x4096x32x64xbf16>, %[[DT:[a-z0-9]+]]: tensor<1x4096x32xf32>, %[[A:[a-z0-9]+]]: tensor<32xf32>, %[[B:[a-z0-9]+]]: tensor<1x4096x1x128xbf16>, %[[C:[a-z0-9]+]]: tensor<1x4096x1x128xbf16>)
// CHECK:         %[[Y:[a-z0-9_]+]] = mix.ssd %[[X]], %[[DT]], %[[A]], %[[B]], %[[C]] : (tensor<1x4096x32x64xbf16>, tensor<1x4096x32xf32>, tensor<32xf32>, tensor<1x4096x1x128xbf16>, tensor<1x4096x1x128xbf16>) -> tensor<1x4096x32x64xbf16>
// CHECK-NEXT:    return %[[Y]]
func.func @ssd_forward(%x: tensor<1x4096x32x64xbf16>, %dt: tensor<1x4096x32xf32>, %A: tensor<32xf32>, %B: tensor<1x4096x1x128xbf16>, %C: tensor<1x4096x1x128xbf16>) -> tensor<1x4096x32x64xbf16> {
  %y = mix.ssd %x, %dt, %A, %B, %C : (tensor<1x4096x32x64xbf16>, tensor<1x4096x32xf32>, tensor<32xf32>, tensor<1x4096x1x128xbf16>, tensor<1x4096x1x128xbf16>) -> tensor<1x4096x32x64xbf16>
  return %y : tensor<1x4096x32x64xbf16>
}

// -----

// CHECK-LABEL: func @ssd_skip_dt_bias_softplus(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<2x256x8x64xf32>, %[[DT:[a-z0-9]+]]: tensor<2x256x8xf32>, %[[A:[a-z0-9]+]]: tensor<8xf32>, %[[B:[a-z0-9]+]]: tensor<2x256x2x16xf32>, %[[D:[a-z0-9]+]]: tensor<8xf32>, %[[DB:[a-z0-9]+]]: tensor<8xf32>)
// CHECK:         mix.ssd %[[X]], %[[DT]], %[[A]], %[[B]], %[[B]] skip(%[[D]]) dt_bias(%[[DB]]) {dt_softplus} : (tensor<2x256x8x64xf32>, tensor<2x256x8xf32>, tensor<8xf32>, tensor<2x256x2x16xf32>, tensor<2x256x2x16xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x256x8x64xf32>
// CHECK:         mix.ssd %[[X]], %[[DT]], %[[A]], %[[B]], %[[B]] skip(%[[D]]) : (tensor<2x256x8x64xf32>, tensor<2x256x8xf32>, tensor<8xf32>, tensor<2x256x2x16xf32>, tensor<2x256x2x16xf32>, tensor<8xf32>) -> tensor<2x256x8x64xf32>
// CHECK:         mix.ssd %[[X]], %[[DT]], %[[A]], %[[B]], %[[B]] dt_bias(%[[DB]]) {dt_softplus} : (tensor<2x256x8x64xf32>, tensor<2x256x8xf32>, tensor<8xf32>, tensor<2x256x2x16xf32>, tensor<2x256x2x16xf32>, tensor<8xf32>) -> tensor<2x256x8x64xf32>
func.func @ssd_skip_dt_bias_softplus(%x: tensor<2x256x8x64xf32>, %dt: tensor<2x256x8xf32>, %A: tensor<8xf32>, %B: tensor<2x256x2x16xf32>, %D: tensor<8xf32>, %db: tensor<8xf32>) -> (tensor<2x256x8x64xf32>, tensor<2x256x8x64xf32>, tensor<2x256x8x64xf32>) {
  %y0 = mix.ssd %x, %dt, %A, %B, %B skip(%D) dt_bias(%db) {dt_softplus} : (tensor<2x256x8x64xf32>, tensor<2x256x8xf32>, tensor<8xf32>, tensor<2x256x2x16xf32>, tensor<2x256x2x16xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x256x8x64xf32>
  %y1 = mix.ssd %x, %dt, %A, %B, %B skip(%D) : (tensor<2x256x8x64xf32>, tensor<2x256x8xf32>, tensor<8xf32>, tensor<2x256x2x16xf32>, tensor<2x256x2x16xf32>, tensor<8xf32>) -> tensor<2x256x8x64xf32>
  %y2 = mix.ssd %x, %dt, %A, %B, %B dt_bias(%db) {dt_softplus} : (tensor<2x256x8x64xf32>, tensor<2x256x8xf32>, tensor<8xf32>, tensor<2x256x2x16xf32>, tensor<2x256x2x16xf32>, tensor<8xf32>) -> tensor<2x256x8x64xf32>
  return %y0, %y1, %y2 : tensor<2x256x8x64xf32>, tensor<2x256x8x64xf32>, tensor<2x256x8x64xf32>
}

// -----

// CHECK-LABEL: func @ssd_directions(
// CHECK:         mix.ssd %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip(%{{.*}}) : (tensor<1x256x8x64xbf16>, tensor<1x256x8xf32>, tensor<8xf32>, tensor<1x256x2x32xbf16>, tensor<1x256x2x32xbf16>, tensor<8xf32>) -> tensor<1x256x8x64xbf16>
// CHECK:         mix.ssd %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip(%{{.*}}) dt_bias(%{{.*}}) {direction = #mix.direction<bidirectional>, dt_softplus} : (tensor<1x256x8x64xbf16>, tensor<1x256x8xf32>, tensor<8xf32>, tensor<1x256x2x32xbf16>, tensor<1x256x2x32xbf16>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x256x8x64xbf16>
func.func @ssd_directions(%x: tensor<1x256x8x64xbf16>, %dt: tensor<1x256x8xf32>, %A: tensor<8xf32>, %B: tensor<1x256x2x32xbf16>) -> (tensor<1x256x8x64xbf16>, tensor<1x256x8x64xbf16>) {
  %0 = mix.ssd %x, %dt, %A, %B, %B skip(%A) {direction = #mix.direction<forward>} : (tensor<1x256x8x64xbf16>, tensor<1x256x8xf32>, tensor<8xf32>, tensor<1x256x2x32xbf16>, tensor<1x256x2x32xbf16>, tensor<8xf32>) -> tensor<1x256x8x64xbf16>
  %1 = mix.ssd %x, %dt, %A, %B, %B skip(%A) dt_bias(%A) {dt_softplus, direction = #mix.direction<bidirectional>} : (tensor<1x256x8x64xbf16>, tensor<1x256x8xf32>, tensor<8xf32>, tensor<1x256x2x32xbf16>, tensor<1x256x2x32xbf16>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x256x8x64xbf16>
  return %0, %1 : tensor<1x256x8x64xbf16>, tensor<1x256x8x64xbf16>
}

// -----

// G = 8 groups over H = 32 heads, and one group per head (G = H).
// CHECK-LABEL: func @ssd_groups(
// CHECK:         mix.ssd %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x128x32x64xf16>, tensor<1x128x32xf32>, tensor<32xf32>, tensor<1x128x8x64xf16>, tensor<1x128x8x64xf16>) -> tensor<1x128x32x64xf16>
// CHECK:         mix.ssd %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x128x32x64xf16>, tensor<1x128x32xf32>, tensor<32xf32>, tensor<1x128x32x64xf16>, tensor<1x128x32x64xf16>) -> tensor<1x128x32x64xf16>
func.func @ssd_groups(%x: tensor<1x128x32x64xf16>, %dt: tensor<1x128x32xf32>, %A: tensor<32xf32>, %B8: tensor<1x128x8x64xf16>, %B32: tensor<1x128x32x64xf16>) -> (tensor<1x128x32x64xf16>, tensor<1x128x32x64xf16>) {
  %y0 = mix.ssd %x, %dt, %A, %B8, %B8 : (tensor<1x128x32x64xf16>, tensor<1x128x32xf32>, tensor<32xf32>, tensor<1x128x8x64xf16>, tensor<1x128x8x64xf16>) -> tensor<1x128x32x64xf16>
  %y1 = mix.ssd %x, %dt, %A, %B32, %B32 : (tensor<1x128x32x64xf16>, tensor<1x128x32xf32>, tensor<32xf32>, tensor<1x128x32x64xf16>, tensor<1x128x32x64xf16>) -> tensor<1x128x32x64xf16>
  return %y0, %y1 : tensor<1x128x32x64xf16>, tensor<1x128x32x64xf16>
}

// -----

// CHECK-LABEL: func @ssd_dynamic_batch_length(
// CHECK:         mix.ssd %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip(%{{.*}}) {dt_softplus} : (tensor<?x?x32x64xbf16>, tensor<?x?x32xf32>, tensor<32xf32>, tensor<?x?x1x128xbf16>, tensor<?x?x1x128xbf16>, tensor<32xf32>) -> tensor<?x?x32x64xbf16>
func.func @ssd_dynamic_batch_length(%x: tensor<?x?x32x64xbf16>, %dt: tensor<?x?x32xf32>, %A: tensor<32xf32>, %B: tensor<?x?x1x128xbf16>) -> tensor<?x?x32x64xbf16> {
  %y = mix.ssd %x, %dt, %A, %B, %B skip(%A) {dt_softplus} : (tensor<?x?x32x64xbf16>, tensor<?x?x32xf32>, tensor<32xf32>, tensor<?x?x1x128xbf16>, tensor<?x?x1x128xbf16>, tensor<32xf32>) -> tensor<?x?x32x64xbf16>
  return %y : tensor<?x?x32x64xbf16>
}

// -----

// CHECK-LABEL: func @ssd_schedule_chunked(
// CHECK:         mix.ssd %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {schedule = #mix.schedule<ssd.chunked, {block_p = 32, chunk_size = 256, stages = 1, warps = 8}>} : (tensor<1x4096x32x64xbf16>, tensor<1x4096x32xf32>, tensor<32xf32>, tensor<1x4096x1x128xbf16>, tensor<1x4096x1x128xbf16>) -> tensor<1x4096x32x64xbf16>
func.func @ssd_schedule_chunked(%x: tensor<1x4096x32x64xbf16>, %dt: tensor<1x4096x32xf32>, %A: tensor<32xf32>, %B: tensor<1x4096x1x128xbf16>) -> tensor<1x4096x32x64xbf16> {
  %y = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule<ssd.chunked, {chunk_size = 256, block_p = 32, warps = 8, stages = 1}>} : (tensor<1x4096x32x64xbf16>, tensor<1x4096x32xf32>, tensor<32xf32>, tensor<1x4096x1x128xbf16>, tensor<1x4096x1x128xbf16>) -> tensor<1x4096x32x64xbf16>
  return %y : tensor<1x4096x32x64xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// mix.monarch
//===----------------------------------------------------------------------===//

// Square Monarch: n = 1024 = 32 x 32, k = q = p = l = s = r = 32.
// CHECK-LABEL: func @monarch_square_1024(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<16384x1024xbf16>, %[[R:[a-z0-9]+]]: tensor<32x32x32xbf16>, %[[L:[a-z0-9]+]]: tensor<32x32x32xbf16>)
// CHECK:         %[[Y:[a-z0-9_]+]] = mix.monarch %[[X]], %[[R]], %[[L]] : (tensor<16384x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<16384x1024xbf16>
// CHECK-NEXT:    return %[[Y]]
func.func @monarch_square_1024(%x: tensor<16384x1024xbf16>, %r: tensor<32x32x32xbf16>, %l: tensor<32x32x32xbf16>) -> tensor<16384x1024xbf16> {
  %y = mix.monarch %x, %r, %l : (tensor<16384x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<16384x1024xbf16>
  return %y : tensor<16384x1024xbf16>
}

// -----

// Rectangular: n = k * p = 4 * 16 = 64; k * q = 4 * 8 = 32 = l * r = 2 * 16;
// the result is l * s = 2 * 24 = 48 wide.
// CHECK-LABEL: func @monarch_rectangular(
// CHECK:         mix.monarch %{{.*}}, %{{.*}}, %{{.*}} : (tensor<8x64xf32>, tensor<4x8x16xf32>, tensor<2x24x16xf32>) -> tensor<8x48xf32>
func.func @monarch_rectangular(%x: tensor<8x64xf32>, %f: tensor<4x8x16xf32>, %s: tensor<2x24x16xf32>) -> tensor<8x48xf32> {
  %y = mix.monarch %x, %f, %s : (tensor<8x64xf32>, tensor<4x8x16xf32>, tensor<2x24x16xf32>) -> tensor<8x48xf32>
  return %y : tensor<8x48xf32>
}

// -----

// One block per factor (k = l = 1): two dense matrices.
// CHECK-LABEL: func @monarch_one_block(
// CHECK:         mix.monarch %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x128xf16>, tensor<1x64x128xf16>, tensor<1x32x64xf16>) -> tensor<4x32xf16>
func.func @monarch_one_block(%x: tensor<4x128xf16>, %f: tensor<1x64x128xf16>, %s: tensor<1x32x64xf16>) -> tensor<4x32xf16> {
  %y = mix.monarch %x, %f, %s : (tensor<4x128xf16>, tensor<1x64x128xf16>, tensor<1x32x64xf16>) -> tensor<4x32xf16>
  return %y : tensor<4x32xf16>
}

// -----

// CHECK-LABEL: func @monarch_rank1_and_rank3_x(
// CHECK:         mix.monarch %{{.*}}, %{{.*}}, %{{.*}} : (tensor<256xf32>, tensor<16x16x16xf32>, tensor<16x16x16xf32>) -> tensor<256xf32>
// CHECK:         mix.monarch %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x16x256xf32>, tensor<16x16x16xf32>, tensor<16x16x16xf32>) -> tensor<2x16x256xf32>
func.func @monarch_rank1_and_rank3_x(%x1: tensor<256xf32>, %x3: tensor<2x16x256xf32>, %f: tensor<16x16x16xf32>) -> (tensor<256xf32>, tensor<2x16x256xf32>) {
  %y1 = mix.monarch %x1, %f, %f : (tensor<256xf32>, tensor<16x16x16xf32>, tensor<16x16x16xf32>) -> tensor<256xf32>
  %y3 = mix.monarch %x3, %f, %f : (tensor<2x16x256xf32>, tensor<16x16x16xf32>, tensor<16x16x16xf32>) -> tensor<2x16x256xf32>
  return %y1, %y3 : tensor<256xf32>, tensor<2x16x256xf32>
}

// -----

// Dynamic leading dims of x, and a factor with a dynamic block count (the
// size products are then not checked).
// CHECK-LABEL: func @monarch_dynamic_dims(
// CHECK:         mix.monarch %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<?x1024xbf16>
// CHECK:         mix.monarch %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x?x1024xbf16>, tensor<?x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<?x?x?xf32>
func.func @monarch_dynamic_dims(%x: tensor<?x1024xbf16>, %x3: tensor<?x?x1024xbf16>, %f: tensor<32x32x32xbf16>, %fd: tensor<?x32x32xbf16>) -> (tensor<?x1024xbf16>, tensor<?x?x?xf32>) {
  %y0 = mix.monarch %x, %f, %f : (tensor<?x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<?x1024xbf16>
  %y1 = mix.monarch %x3, %fd, %f : (tensor<?x?x1024xbf16>, tensor<?x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<?x?x?xf32>
  return %y0, %y1 : tensor<?x1024xbf16>, tensor<?x?x?xf32>
}

// -----

// fp8 input and factors, bf16 result.
// CHECK-LABEL: func @monarch_f8_inputs(
// CHECK:         mix.monarch %{{.*}}, %{{.*}}, %{{.*}} : (tensor<64x256xf8E4M3FN>, tensor<16x16x16xf8E4M3FN>, tensor<16x16x16xf8E5M2>) -> tensor<64x256xbf16>
func.func @monarch_f8_inputs(%x: tensor<64x256xf8E4M3FN>, %f: tensor<16x16x16xf8E4M3FN>, %s: tensor<16x16x16xf8E5M2>) -> tensor<64x256xbf16> {
  %y = mix.monarch %x, %f, %s : (tensor<64x256xf8E4M3FN>, tensor<16x16x16xf8E4M3FN>, tensor<16x16x16xf8E5M2>) -> tensor<64x256xbf16>
  return %y : tensor<64x256xbf16>
}

// -----

// CHECK-LABEL: func @monarch_schedule_fused(
// CHECK:         mix.monarch %{{.*}}, %{{.*}}, %{{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 256, stages = 3, warps = 8}>} : (tensor<16384x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<16384x1024xbf16>
func.func @monarch_schedule_fused(%x: tensor<16384x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<16384x1024xbf16> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 256, warps = 8, stages = 3}>} : (tensor<16384x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<16384x1024xbf16>
  return %y : tensor<16384x1024xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// mix.permute
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @permute_indices_per_length(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<1x8x4096x64xbf16>, %[[P:[a-z0-9]+]]: tensor<4096xi32>)
// CHECK:         %[[R:[a-z0-9_]+]] = mix.permute %[[X]], %[[P]] {axis = 2 : i64} : (tensor<1x8x4096x64xbf16>, tensor<4096xi32>) -> tensor<1x8x4096x64xbf16>
// CHECK-NEXT:    return %[[R]]
func.func @permute_indices_per_length(%x: tensor<1x8x4096x64xbf16>, %p: tensor<4096xi32>) -> tensor<1x8x4096x64xbf16> {
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x8x4096x64xbf16>, tensor<4096xi32>) -> tensor<1x8x4096x64xbf16>
  return %r : tensor<1x8x4096x64xbf16>
}

// -----

// CHECK-LABEL: func @permute_indices_per_head(
// CHECK:         mix.permute %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
func.func @permute_indices_per_head(%x: tensor<1x8x4096x64xbf16>, %p: tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16> {
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
  return %r : tensor<1x8x4096x64xbf16>
}

// -----

// CHECK-LABEL: func @permute_indices_per_batch_and_head_i64(
// CHECK:         mix.permute %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<2x8x512x64xf16>, tensor<2x8x512xi64>) -> tensor<2x8x512x64xf16>
func.func @permute_indices_per_batch_and_head_i64(%x: tensor<2x8x512x64xf16>, %p: tensor<2x8x512xi64>) -> tensor<2x8x512x64xf16> {
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<2x8x512x64xf16>, tensor<2x8x512xi64>) -> tensor<2x8x512x64xf16>
  return %r : tensor<2x8x512x64xf16>
}

// -----

// CHECK-LABEL: func @permute_inverse(
// CHECK:         mix.permute %{{.*}}, %{{.*}} {axis = 2 : i64, inverse} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
func.func @permute_inverse(%x: tensor<1x8x4096x64xbf16>, %p: tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16> {
  %r = mix.permute %x, %p {inverse, axis = 2 : i64} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
  return %r : tensor<1x8x4096x64xbf16>
}

// -----

// Axis 0 and the last axis; i8 and f32 data.
// CHECK-LABEL: func @permute_first_and_last_axis(
// CHECK:         mix.permute %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<16x4xi8>, tensor<16xi64>) -> tensor<16x4xi8>
// CHECK:         mix.permute %{{.*}}, %{{.*}} {axis = 1 : i64, inverse} : (tensor<16x4xf32>, tensor<16x4xi32>) -> tensor<16x4xf32>
func.func @permute_first_and_last_axis(%x: tensor<16x4xi8>, %p: tensor<16xi64>, %y: tensor<16x4xf32>, %q: tensor<16x4xi32>) -> (tensor<16x4xi8>, tensor<16x4xf32>) {
  %r0 = mix.permute %x, %p {axis = 0 : i64} : (tensor<16x4xi8>, tensor<16xi64>) -> tensor<16x4xi8>
  %r1 = mix.permute %y, %q {axis = 1 : i64, inverse} : (tensor<16x4xf32>, tensor<16x4xi32>) -> tensor<16x4xf32>
  return %r0, %r1 : tensor<16x4xi8>, tensor<16x4xf32>
}

// -----

// CHECK-LABEL: func @permute_dynamic_length(
// CHECK:         mix.permute %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<?x8x?x64xf16>, tensor<8x?xi32>) -> tensor<?x8x?x64xf16>
func.func @permute_dynamic_length(%x: tensor<?x8x?x64xf16>, %p: tensor<8x?xi32>) -> tensor<?x8x?x64xf16> {
  %r = mix.permute %x, %p {axis = 2 : i64} : (tensor<?x8x?x64xf16>, tensor<8x?xi32>) -> tensor<?x8x?x64xf16>
  return %r : tensor<?x8x?x64xf16>
}

// -----

// Constant indices that are permutations are accepted.
// CHECK-LABEL: func @permute_constant_permutation(
// CHECK:         %[[P:[a-z0-9_]+]] = arith.constant dense<[2, 0, 3, 1]> : tensor<4xi32>
// CHECK:         mix.permute %{{.*}}, %[[P]] {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<4xi32>) -> tensor<2x4x8xf32>
// CHECK:         %[[PH:[a-z0-9_]+]] = arith.constant dense<{{\[}}[1, 0, 2], [2, 1, 0]]> : tensor<2x3xi64>
// CHECK:         mix.permute %{{.*}}, %[[PH]] {axis = 1 : i64, inverse} : (tensor<2x3x8xf16>, tensor<2x3xi64>) -> tensor<2x3x8xf16>
func.func @permute_constant_permutation(%x: tensor<2x4x8xf32>, %y: tensor<2x3x8xf16>) -> (tensor<2x4x8xf32>, tensor<2x3x8xf16>) {
  %p = arith.constant dense<[2, 0, 3, 1]> : tensor<4xi32>
  %r0 = mix.permute %x, %p {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<4xi32>) -> tensor<2x4x8xf32>
  %ph = arith.constant dense<[[1, 0, 2], [2, 1, 0]]> : tensor<2x3xi64>
  %r1 = mix.permute %y, %ph {axis = 1 : i64, inverse} : (tensor<2x3x8xf16>, tensor<2x3xi64>) -> tensor<2x3x8xf16>
  return %r0, %r1 : tensor<2x4x8xf32>, tensor<2x3x8xf16>
}

// -----

// A one-element splat is the identity permutation of length 1.
// CHECK-LABEL: func @permute_constant_length_one(
// CHECK:         %[[P:[a-z0-9_]+]] = arith.constant dense<0> : tensor<1xi64>
// CHECK:         mix.permute %{{.*}}, %[[P]] {axis = 0 : i64} : (tensor<1x8xf32>, tensor<1xi64>) -> tensor<1x8xf32>
func.func @permute_constant_length_one(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %p = arith.constant dense<0> : tensor<1xi64>
  %r = mix.permute %x, %p {axis = 0 : i64} : (tensor<1x8xf32>, tensor<1xi64>) -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}

// -----

// CHECK-LABEL: func @permute_schedule_gather(
// CHECK:         mix.permute %{{.*}}, %{{.*}} {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 16, vector_bytes = 8}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
func.func @permute_schedule_gather(%x: tensor<1x8x4096x64xbf16>, %p: tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16> {
  %r = mix.permute %x, %p {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {vector_bytes = 8, rows_per_block = 16}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
  return %r : tensor<1x8x4096x64xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// #mix.schedule with empty parameters on every op
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @schedule_empty_params_every_op(
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {}>} :
// CHECK:         mix.linear_attention {{.*}} {schedule = #mix.schedule<linear_attention.chunked, {}>} :
// CHECK:         mix.selective_scan {{.*}} {schedule = #mix.schedule<selective_scan.chunked, {}>} :
// CHECK:         mix.ssd {{.*}} {schedule = #mix.schedule<ssd.chunked, {}>} :
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {}>} :
// CHECK:         mix.permute {{.*}} {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {}>} :
func.func @schedule_empty_params_every_op(%q: tensor<1x2x64x64xf16>, %xs: tensor<1x32x64xbf16>, %A: tensor<32x8xf32>, %Bs: tensor<1x1x8x64xf32>,
    %x: tensor<1x64x4x16xf32>, %dt: tensor<1x64x4xf32>, %Ah: tensor<4xf32>, %B: tensor<1x64x1x16xf32>,
    %xm: tensor<8x256xf16>, %f: tensor<16x16x16xf16>, %p: tensor<2x64xi32>) {
  %0 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  %1 = mix.linear_attention %q, %q, %q {schedule = #mix.schedule<linear_attention.chunked, {}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  %2 = mix.selective_scan %xs, %xs, %A, %Bs, %Bs {schedule = #mix.schedule<selective_scan.chunked, {}>} : (tensor<1x32x64xbf16>, tensor<1x32x64xbf16>, tensor<32x8xf32>, tensor<1x1x8x64xf32>, tensor<1x1x8x64xf32>) -> tensor<1x32x64xbf16>
  %3 = mix.ssd %x, %dt, %Ah, %B, %B {schedule = #mix.schedule<ssd.chunked, {}>} : (tensor<1x64x4x16xf32>, tensor<1x64x4xf32>, tensor<4xf32>, tensor<1x64x1x16xf32>, tensor<1x64x1x16xf32>) -> tensor<1x64x4x16xf32>
  %4 = mix.monarch %xm, %f, %f {schedule = #mix.schedule<monarch.fused, {}>} : (tensor<8x256xf16>, tensor<16x16x16xf16>, tensor<16x16x16xf16>) -> tensor<8x256xf16>
  %5 = mix.permute %q, %p {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {}>} : (tensor<1x2x64x64xf16>, tensor<2x64xi32>) -> tensor<1x2x64x64xf16>
  return
}

// -----

// The enums as discardable attributes outside any mix op.
// CHECK-LABEL: func @enum_attributes_standalone(
// CHECK-SAME:    attributes {mix.directions = [#mix.direction<forward>, #mix.direction<reverse>, #mix.direction<bidirectional>], mix.feature_maps = [#mix.feature_map<identity>, #mix.feature_map<elu_plus_one>, #mix.feature_map<relu>]}
func.func @enum_attributes_standalone() attributes {mix.feature_maps = [#mix.feature_map<identity>, #mix.feature_map<elu_plus_one>, #mix.feature_map<relu>], mix.directions = [#mix.direction<forward>, #mix.direction<reverse>, #mix.direction<bidirectional>]} {
  return
}
