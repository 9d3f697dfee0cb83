// RUN: mixc-opt %s -split-input-file -verify-diagnostics

// Rejected #mix.schedule attributes. Errors of the attribute alone (parse
// errors and the context-free checks of MixDialect.cpp) are reported at the
// attribute, on its line; errors that need the op (template for another op,
// the attention templates' shape rules) are reported at the op.

//===----------------------------------------------------------------------===//
// Attribute syntax
//===----------------------------------------------------------------------===//

func.func @schedule_missing_template_name(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{expected a kernel template name}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<{}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_missing_params(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{expected ','}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_param_without_value(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{expected '='}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_param_float_value(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{expected integer value}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 1.5}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_param_string_value(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{expected integer value}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = "64"}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_param_typed_value(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{expected '}' in schedule parameters}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64 : i32}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_param_value_too_large(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{integer value too large}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 99999999999999999999999}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_trailing_comma(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{expected valid keyword or string}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64,}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_duplicate_param(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{schedule parameter 'block_m' is given twice}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 64, block_m = 64}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

// A quoted name is the same parameter as the bare one.
func.func @schedule_duplicate_param_quoted(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{schedule parameter 'warps' is given twice}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {warps = 4, "warps" = 8}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Known templates, declared parameters, legal values
//===----------------------------------------------------------------------===//

func.func @schedule_unknown_template(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{unknown kernel template 'attention.flash3' (known templates: attention.mma_sync, attention.wgmma, linear_attention.chunked, selective_scan.chunked, ssd.chunked, monarch.fused, permute.gather)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.flash3, {}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_unknown_template_quoted(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{unknown kernel template 'attention mma_sync' (known templates: attention.mma_sync, attention.wgmma, linear_attention.chunked, selective_scan.chunked, ssd.chunked, monarch.fused, permute.gather)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<"attention mma_sync", {}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

// The op name is not a template name.
func.func @schedule_op_name_as_template(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{unknown kernel template 'attention' (known templates: attention.mma_sync, attention.wgmma, linear_attention.chunked, selective_scan.chunked, ssd.chunked, monarch.fused, permute.gather)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention, {}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_unknown_param(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{kernel template 'attention.mma_sync' has no parameter 'block_k' (parameters: block_m, block_n, warps, stages)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_k = 64}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

// A parameter of another template (wgmma's tma) is unknown to mma_sync.
func.func @schedule_param_of_other_template(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{kernel template 'attention.mma_sync' has no parameter 'tma' (parameters: block_m, block_n, warps, stages)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {tma = 1}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_mma_sync_block_m_96(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'block_m' of kernel template 'attention.mma_sync' is 96, must be one of 64, 128}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 96}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

// 192 is legal for wgmma's block_m but not for mma_sync's.
func.func @schedule_mma_sync_block_m_192(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'block_m' of kernel template 'attention.mma_sync' is 192, must be one of 64, 128}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 192}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_mma_sync_stages_0(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'stages' of kernel template 'attention.mma_sync' is 0, must be one of 1, 2, 3, 4}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {stages = 0}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_mma_sync_warps_negative(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'warps' of kernel template 'attention.mma_sync' is -4, must be one of 4, 8}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {warps = -4}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_wgmma_block_n_256(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'block_n' of kernel template 'attention.wgmma' is 256, must be one of 64, 96, 128, 176, 192}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {block_n = 256}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_wgmma_stages_1(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'stages' of kernel template 'attention.wgmma' is 1, must be one of 2, 3, 4}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {stages = 1}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_wgmma_tma_2(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'tma' of kernel template 'attention.wgmma' is 2, must be one of 0}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {tma = 2}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_wgmma_consumer_warpgroups_4(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'consumer_warpgroups' of kernel template 'attention.wgmma' is 4, must be one of 1, 2, 3}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {consumer_warpgroups = 4}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_linear_attention_chunk_size_256(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'chunk_size' of kernel template 'linear_attention.chunked' is 256, must be one of 16, 32, 64, 128}}
  %o = mix.linear_attention %q, %q, %q {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 256}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_selective_scan_threads_512(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{parameter 'threads' of kernel template 'selective_scan.chunked' is 512, must be one of 32, 64, 128, 256}}
  %y = mix.selective_scan %x, %x, %A, %B, %B {schedule = #mix.schedule<selective_scan.chunked, {threads = 512}>} : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @schedule_ssd_chunk_size_16(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{parameter 'chunk_size' of kernel template 'ssd.chunked' is 16, must be one of 32, 64, 128, 256}}
  %y = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule<ssd.chunked, {chunk_size = 16}>} : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @schedule_monarch_block_tokens_8(%x: tensor<4x256xf16>, %f: tensor<16x16x16xf16>) {
  // expected-error @+1 {{parameter 'block_tokens' of kernel template 'monarch.fused' is 8, must be one of 16, 32, 64, 128, 256}}
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 8}>} : (tensor<4x256xf16>, tensor<16x16x16xf16>, tensor<16x16x16xf16>) -> tensor<4x256xf16>
  return
}

// -----

func.func @schedule_permute_vector_bytes_32(%x: tensor<1x2x16x8xf16>, %p: tensor<16xi32>) {
  // expected-error @+1 {{parameter 'vector_bytes' of kernel template 'permute.gather' is 32, must be one of 4, 8, 16}}
  %r = mix.permute %x, %p {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {vector_bytes = 32}>} : (tensor<1x2x16x8xf16>, tensor<16xi32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

// The context-free checks apply outside ops as well.
// expected-error @+1 {{parameter 'block_m' of kernel template 'attention.mma_sync' is 96, must be one of 64, 128}}
func.func @schedule_invalid_discardable_attribute() attributes {mix.candidates = [#mix.schedule<attention.mma_sync, {block_m = 96}>]} {
  return
}

// -----

//===----------------------------------------------------------------------===//
// Template for another op (reported at the op)
//===----------------------------------------------------------------------===//

func.func @schedule_ssd_template_on_attention(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'ssd.chunked' lowers 'mix.ssd', not 'mix.attention' (templates for 'mix.attention': attention.mma_sync, attention.wgmma)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<ssd.chunked, {}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_attention_template_on_linear_attention(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{'mix.linear_attention' op schedule template 'attention.mma_sync' lowers 'mix.attention', not 'mix.linear_attention' (templates for 'mix.linear_attention': linear_attention.chunked)}}
  %o = mix.linear_attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_ssd_template_on_selective_scan(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) {
  // expected-error @+1 {{'mix.selective_scan' op schedule template 'ssd.chunked' lowers 'mix.ssd', not 'mix.selective_scan' (templates for 'mix.selective_scan': selective_scan.chunked)}}
  %y = mix.selective_scan %x, %x, %A, %B, %B {schedule = #mix.schedule<ssd.chunked, {chunk_size = 64}>} : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return
}

// -----

func.func @schedule_selective_scan_template_on_ssd(%x: tensor<1x16x4x8xf32>, %dt: tensor<1x16x4xf32>, %A: tensor<4xf32>, %B: tensor<1x16x1x8xf32>) {
  // expected-error @+1 {{'mix.ssd' op schedule template 'selective_scan.chunked' lowers 'mix.selective_scan', not 'mix.ssd' (templates for 'mix.ssd': ssd.chunked)}}
  %y = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule<selective_scan.chunked, {}>} : (tensor<1x16x4x8xf32>, tensor<1x16x4xf32>, tensor<4xf32>, tensor<1x16x1x8xf32>, tensor<1x16x1x8xf32>) -> tensor<1x16x4x8xf32>
  return
}

// -----

func.func @schedule_permute_template_on_monarch(%x: tensor<4x256xf16>, %f: tensor<16x16x16xf16>) {
  // expected-error @+1 {{'mix.monarch' op schedule template 'permute.gather' lowers 'mix.permute', not 'mix.monarch' (templates for 'mix.monarch': monarch.fused)}}
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<permute.gather, {}>} : (tensor<4x256xf16>, tensor<16x16x16xf16>, tensor<16x16x16xf16>) -> tensor<4x256xf16>
  return
}

// -----

func.func @schedule_monarch_template_on_permute(%x: tensor<1x2x16x8xf16>, %p: tensor<16xi32>) {
  // expected-error @+1 {{'mix.permute' op schedule template 'monarch.fused' lowers 'mix.monarch', not 'mix.permute' (templates for 'mix.permute': permute.gather)}}
  %r = mix.permute %x, %p {axis = 2 : i64, schedule = #mix.schedule<monarch.fused, {}>} : (tensor<1x2x16x8xf16>, tensor<16xi32>) -> tensor<1x2x16x8xf16>
  return
}

// -----

// Legal values are checked before the op: a bad value of a template for
// another op reports the value.
func.func @schedule_value_checked_before_op(%q: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{parameter 'chunk_size' of kernel template 'ssd.chunked' is 48, must be one of 32, 64, 128, 256}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<ssd.chunked, {chunk_size = 48}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Attention templates: head dims and element types (reported at the op)
//===----------------------------------------------------------------------===//

func.func @schedule_attention_head_dim_not_multiple_of_16(%q: tensor<1x2x64x72xf16>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.mma_sync' needs a static query head dim that is a multiple of 16 and at most 256 (got 72)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x64x72xf16>, tensor<1x2x64x72xf16>, tensor<1x2x64x72xf16>) -> tensor<1x2x64x72xf16>
  return
}

// -----

func.func @schedule_attention_head_dim_above_256(%q: tensor<1x2x64x272xbf16>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.wgmma' needs a static query head dim that is a multiple of 16 and at most 256 (got 272)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<1x2x64x272xbf16>, tensor<1x2x64x272xbf16>, tensor<1x2x64x272xbf16>) -> tensor<1x2x64x272xbf16>
  return
}

// -----

func.func @schedule_attention_head_dim_dynamic(%q: tensor<1x2x64x?xf16>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.mma_sync' needs a static query head dim that is a multiple of 16 and at most 256 (got ?)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x64x?xf16>, tensor<1x2x64x?xf16>, tensor<1x2x64x?xf16>) -> tensor<1x2x64x?xf16>
  return
}

// -----

func.func @schedule_attention_head_dim_zero(%q: tensor<1x2x64x0xf16>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.mma_sync' needs a static query head dim that is a multiple of 16 and at most 256 (got 0)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x64x0xf16>, tensor<1x2x64x0xf16>, tensor<1x2x64x0xf16>) -> tensor<1x2x64x0xf16>
  return
}

// -----

func.func @schedule_attention_value_head_dim(%q: tensor<1x2x64x64xf16>, %v: tensor<1x2x64x40xf16>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.wgmma' needs a static value head dim that is a multiple of 16 and at most 256 (got 40)}}
  %o = mix.attention %q, %q, %v {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x40xf16>) -> tensor<1x2x64x40xf16>
  return
}

// -----

func.func @schedule_attention_f32_query(%q: tensor<1x2x64x64xf32>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.mma_sync' needs f16 or bf16 query (got 'f32')}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>) -> tensor<1x2x64x64xf32>
  return
}

// -----

func.func @schedule_attention_f8_query(%q: tensor<1x2x64x64xf8E4M3FN>, %v: tensor<1x2x64x64xbf16>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.wgmma' needs f16 or bf16 query (got 'f8E4M3FN')}}
  %o = mix.attention %q, %q, %v {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<1x2x64x64xf8E4M3FN>, tensor<1x2x64x64xf8E4M3FN>, tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16>
  return
}

// -----

func.func @schedule_attention_i8_query(%q: tensor<1x2x64x64xi8>, %v: tensor<1x2x64x64xf16>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.mma_sync' needs f16 or bf16 query (got 'i8')}}
  %o = mix.attention %q, %q, %v {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x64x64xi8>, tensor<1x2x64x64xi8>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return
}

// -----

func.func @schedule_attention_f32_value(%q: tensor<1x2x64x64xbf16>, %v: tensor<1x2x64x64xf32>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.wgmma' needs f16 or bf16 value (got 'f32')}}
  %o = mix.attention %q, %q, %v {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xf32>) -> tensor<1x2x64x64xf32>
  return
}

// -----

// The head dim rule is checked before the element types.
func.func @schedule_attention_head_dim_before_type(%q: tensor<1x2x64x24xf32>) {
  // expected-error @+1 {{'mix.attention' op schedule template 'attention.mma_sync' needs a static query head dim that is a multiple of 16 and at most 256 (got 24)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x64x24xf32>, tensor<1x2x64x24xf32>, tensor<1x2x64x24xf32>) -> tensor<1x2x64x24xf32>
  return
}
