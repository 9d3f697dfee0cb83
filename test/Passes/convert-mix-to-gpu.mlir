// RUN: mixc-opt %s -split-input-file --convert-mix-to-gpu -verify-diagnostics | FileCheck %s

// attention.mma_sync's default parameters (block_m 128, block_n 64, 8 warps,
// 2 stages; default-template.mlir tests which template an op without a
// schedule gets): one
// kernel with its launch description, K/V streamed by cp.async, fragments
// loaded by ldmatrix (transposed for V), the products on mma.sync.
// CHECK-LABEL: func.func @causal_default
// CHECK: mix.attention {{.*}} {causal, mix.kernel = @mix_kernels::@attention_0, schedule = #mix.schedule<attention.mma_sync, {}>}
// CHECK: gpu.module @mix_kernels
// CHECK: gpu.func @attention_0(%{{.*}}: memref<2x4x256x64xbf16, #gpu.address_space<global>>
// CHECK-SAME: mix.launch = {arg_names = ["query", "key", "value", "result"], arg_roles = ["input", "input", "input", "output"], block = array<i64: 256, 1, 1>, grid = {{\[\[}}array<i64: 1, 0, 2, 128>], [array<i64: 1, 0, 0, 1>, array<i64: 1, 0, 1, 1>], []], op = "mix.attention", op_attrs = {causal = true, scale = 1.250000e-01 : f64, sink_tokens = 0 : i64, window_left = -1 : i64, window_right = -1 : i64}, schedule = #mix.schedule<attention.mma_sync, {}>, shared_bytes = 55296 : i64}
// CHECK: gpu.dynamic_shared_memory
// CHECK: nvgpu.device_async_copy {{.*}} {bypassL1}
// CHECK: nvgpu.device_async_wait {{.*}} {numGroups = 1 : i32}
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK: scf.for
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK: ex2.approx.ftz.f32
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: vector.store
func.func @causal_default(%q: tensor<2x4x256x64xbf16>, %k: tensor<2x4x256x64xbf16>, %v: tensor<2x4x256x64xbf16>) -> tensor<2x4x256x64xbf16> {
  %o = mix.attention %q, %k, %v {causal, schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<2x4x256x64xbf16>, tensor<2x4x256x64xbf16>, tensor<2x4x256x64xbf16>) -> tensor<2x4x256x64xbf16>
  return %o : tensor<2x4x256x64xbf16>
}

// -----

// One stage (no prefetch: wait for everything each step), 64-row blocks of
// 4 warps, 32-key tiles, grouped heads, a dynamic length, lse: the shared
// memory plan shrinks to Q + one K and V tile.
// CHECK-LABEL: func.func @one_stage_gqa_dynamic
// CHECK: gpu.func @attention_0(%{{.*}}: memref<1x8x?x128xf16, #gpu.address_space<global>>, %{{.*}}: memref<1x2x?x128xf16, #gpu.address_space<global>>, %{{.*}}: memref<1x2x?x128xf16, #gpu.address_space<global>>, %{{.*}}: memref<1x8x?x128xf16, #gpu.address_space<global>>, %{{.*}}: memref<1x8x?xf32, #gpu.address_space<global>>)
// CHECK-SAME: arg_names = ["query", "key", "value", "result", "lse"]
// CHECK-SAME: block = array<i64: 128, 1, 1>
// CHECK-SAME: shared_bytes = 34816 : i64
// CHECK: nvgpu.device_async_wait {{.*}} {numGroups = 0 : i32}
// CHECK-NOT: numGroups = 1
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK: lg2.approx.ftz.f32
// CHECK: memref.store
func.func @one_stage_gqa_dynamic(%q: tensor<1x8x?x128xf16>, %k: tensor<1x2x?x128xf16>, %v: tensor<1x2x?x128xf16>) -> (tensor<1x8x?x128xf16>, tensor<1x8x?xf32>) {
  %o, %l = mix.attention %q, %k, %v {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 32, warps = 4, stages = 1}>} : (tensor<1x8x?x128xf16>, tensor<1x2x?x128xf16>, tensor<1x2x?x128xf16>) -> (tensor<1x8x?x128xf16>, tensor<1x8x?xf32>)
  return %o, %l : tensor<1x8x?x128xf16>, tensor<1x8x?xf32>
}

// -----

func.func @bias_not_lowered(%q: tensor<1x2x64x64xbf16>, %b: tensor<1x1x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  // expected-error @+1 {{'mix.attention' op kernel template 'attention.mma_sync' does not lower an additive bias yet (the CPU path, --mix-cpu-pipeline, does)}}
  %o = mix.attention %q, %q, %q bias(%b) : (tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x1x64x64xbf16>) -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}

// -----

func.func @shared_memory_too_large(%q: tensor<1x2x64x128xbf16>) -> tensor<1x2x64x128xbf16> {
  // expected-error @+1 {{'mix.attention' op schedule 'attention.mma_sync' needs 243728 bytes of shared memory, more than a block may have (232448); lower block_m, block_n or stages}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_n = 128, stages = 3}>} : (tensor<1x2x64x128xbf16>, tensor<1x2x64x128xbf16>, tensor<1x2x64x128xbf16>) -> tensor<1x2x64x128xbf16>
  return %o : tensor<1x2x64x128xbf16>
}

// -----

func.func @rows_per_warp(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  // expected-error @+1 {{'mix.attention' op schedule 'attention.mma_sync': block_m (64) must be 16 or 32 rows per warp (warps = 8)}}
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, warps = 8}>} : (tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}

// -----

func.func @no_builder_yet(%q: tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16> {
  // expected-error @+1 {{'mix.linear_attention' op no GPU kernel builder for template 'linear_attention.chunked' yet (the CPU path, --mix-cpu-pipeline, lowers every mix op)}}
  %o = mix.linear_attention %q, %q, %q : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return %o : tensor<1x2x64x64xf16>
}
