// RUN: mixc-opt %s -split-input-file --convert-mix-to-gpu -verify-diagnostics | FileCheck %s

// The default schedule (chunk 64, block_p 64, 4 warps, 2 stages): 2 x 4 x 1
// blocks would leave the GPU idle, so the (dynamic-length) sequence is cut
// into 16 segments: a grid of 16 (P / block_p) x H x batch, a workspace per
// batch as the last argument, a ticket drawn with an atomic, the segment's
// state walk, the release flag, the acquire wait; the chunk ring filled by
// cp.async (16-byte x, B, C copies that bypass L1, 4-byte dt copies that
// cannot), the dt scan with shuffle-ups, the products on mma.sync and the
// state carried by the chunk loop.
// CHECK-LABEL: func.func @default_schedule
// CHECK: mix.ssd {{.*}} {dt_softplus, mix.kernel = @mix_kernels::@ssd_0}
// CHECK: gpu.func @ssd_0(%{{.*}}: memref<2x?x4x64xbf16, #gpu.address_space<global>>, %{{.*}}: memref<2x?x4xf32, #gpu.address_space<global>>, %{{.*}}: memref<4xf32, #gpu.address_space<global>>, %{{.*}}: memref<2x?x2x128xbf16, #gpu.address_space<global>>, %{{.*}}: memref<2x?x2x128xbf16, #gpu.address_space<global>>, %{{.*}}: memref<4xf32, #gpu.address_space<global>>, %{{.*}}: memref<2x?x4x64xbf16, #gpu.address_space<global>>, %{{.*}}: memref<?xi8, #gpu.address_space<global>>)
// CHECK-SAME: mix.launch = {arg_names = ["x", "dt", "A", "B", "C", "D", "y"], arg_roles = ["input", "input", "input", "input", "input", "input", "output"], block = array<i64: 128, 1, 1>, grid = {{\[\[}}array<i64: 16, -1, -1, 1>], [array<i64: 4, -1, -1, 1>], [array<i64: 1, 0, 0, 1>]], op = "mix.ssd", op_attrs = {direction = "forward", dt_softplus = true}, schedule = #mix.schedule<ssd.chunked, {}>, shared_bytes = 117264 : i64, workspace = [1966720, {{\[}}array<i64: 1, 0, 0, 1>]]}
// CHECK: atom.relaxed.gpu.global.add.u32
// CHECK: red.relaxed.gpu.global.add.u32
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: scf.for
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK: st.global.v2.f32
// CHECK: fence.acq_rel.gpu
// CHECK: scf.while
// CHECK: ld.acquire.gpu.global.u32
// CHECK: ld.global.cg.f32
// CHECK: nvgpu.device_async_copy {{.*}} {bypassL1} : memref<2x?x4x64xbf16, #gpu.address_space<global>> to memref<64x72xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy {{.*}}, 1, %{{[0-9]+}} : memref<2x?x4xf32, #gpu.address_space<global>> to memref<128x1xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: nvgpu.device_async_wait {{.*}} {numGroups = 0 : i32}
// CHECK: lg2.approx.ftz.f32
// CHECK: gpu.shuffle up
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: vector.store
// CHECK: scf.yield
func.func @default_schedule(%x: tensor<2x?x4x64xbf16>, %dt: tensor<2x?x4xf32>, %a: tensor<4xf32>, %b: tensor<2x?x2x128xbf16>, %d: tensor<4xf32>) -> tensor<2x?x4x64xbf16> {
  %y = mix.ssd %x, %dt, %a, %b, %b skip(%d) {dt_softplus} : (tensor<2x?x4x64xbf16>, tensor<2x?x4xf32>, tensor<4xf32>, tensor<2x?x2x128xbf16>, tensor<2x?x2x128xbf16>, tensor<4xf32>) -> tensor<2x?x4x64xbf16>
  return %y : tensor<2x?x4x64xbf16>
}

// -----

// Chunks of 128 over 8 warps, block_p 16 (4 blocks per head), one stage, f16
// in and f32 out, dt_bias: the plan shrinks the x tiles to 16 + 8 columns.
// Two chunks are too few to cut into segments.
// CHECK-LABEL: func.func @small_slices
// CHECK: gpu.func @ssd_0
// CHECK-SAME: arg_names = ["x", "dt", "A", "B", "C", "dt_bias", "y"]
// CHECK-SAME: block = array<i64: 256, 1, 1>, grid = {{\[\[}}array<i64: 4, -1, -1, 1>], [array<i64: 2, -1, -1, 1>], [array<i64: 1, 0, 0, 1>]]
// CHECK-SAME: op_attrs = {direction = "forward", dt_softplus = false}
// CHECK-NOT: workspace
// CHECK: memref.view {{.*}} to memref<128x24xf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_wait {{.*}} {numGroups = 0 : i32}
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK: vector.store {{.*}} : memref<1x256x2x64xf32, #gpu.address_space<global>>, vector<2xf32>
func.func @small_slices(%x: tensor<1x256x2x64xf16>, %dt: tensor<1x256x2xf32>, %a: tensor<2xf32>, %b: tensor<1x256x1x128xf16>, %bias: tensor<2xf32>) -> tensor<1x256x2x64xf32> {
  %y = mix.ssd %x, %dt, %a, %b, %b dt_bias(%bias) {schedule = #mix.schedule<ssd.chunked, {chunk_size = 128, block_p = 16, warps = 8, stages = 1}>} : (tensor<1x256x2x64xf16>, tensor<1x256x2xf32>, tensor<2xf32>, tensor<1x256x1x128xf16>, tensor<1x256x1x128xf16>, tensor<2xf32>) -> tensor<1x256x2x64xf32>
  return %y : tensor<1x256x2x64xf32>
}

// -----

func.func @bidirectional(%x: tensor<1x64x2x64xbf16>, %dt: tensor<1x64x2xf32>, %a: tensor<2xf32>, %b: tensor<1x64x1x64xbf16>) -> tensor<1x64x2x64xbf16> {
  // expected-error @+1 {{'mix.ssd' op kernel template 'ssd.chunked' does not lower the bidirectional (Hydra) form yet (the CPU path, --mix-cpu-pipeline, does)}}
  %y = mix.ssd %x, %dt, %a, %b, %b {direction = #mix.direction<bidirectional>} : (tensor<1x64x2x64xbf16>, tensor<1x64x2xf32>, tensor<2xf32>, tensor<1x64x1x64xbf16>, tensor<1x64x1x64xbf16>) -> tensor<1x64x2x64xbf16>
  return %y : tensor<1x64x2x64xbf16>
}

// -----

func.func @bf16_dt(%x: tensor<1x64x2x64xbf16>, %dt: tensor<1x64x2xbf16>, %a: tensor<2xf32>, %b: tensor<1x64x1x64xbf16>) -> tensor<1x64x2x64xbf16> {
  // expected-error @+1 {{'mix.ssd' op kernel template 'ssd.chunked' does not lower dt other than f32 yet (the CPU path, --mix-cpu-pipeline, does)}}
  %y = mix.ssd %x, %dt, %a, %b, %b : (tensor<1x64x2x64xbf16>, tensor<1x64x2xbf16>, tensor<2xf32>, tensor<1x64x1x64xbf16>, tensor<1x64x1x64xbf16>) -> tensor<1x64x2x64xbf16>
  return %y : tensor<1x64x2x64xbf16>
}

// -----

func.func @rows_per_warp(%x: tensor<1x64x2x64xbf16>, %dt: tensor<1x64x2xf32>, %a: tensor<2xf32>, %b: tensor<1x64x1x64xbf16>) -> tensor<1x64x2x64xbf16> {
  // expected-error @+1 {{'mix.ssd' op schedule 'ssd.chunked': chunk_size (32) must be 16 or 32 rows per warp (warps = 4)}}
  %y = mix.ssd %x, %dt, %a, %b, %b {schedule = #mix.schedule<ssd.chunked, {chunk_size = 32}>} : (tensor<1x64x2x64xbf16>, tensor<1x64x2xf32>, tensor<2xf32>, tensor<1x64x1x64xbf16>, tensor<1x64x1x64xbf16>) -> tensor<1x64x2x64xbf16>
  return %y : tensor<1x64x2x64xbf16>
}

// -----

func.func @block_p_divides(%x: tensor<1x64x2x48xbf16>, %dt: tensor<1x64x2xf32>, %a: tensor<2xf32>, %b: tensor<1x64x1x64xbf16>) -> tensor<1x64x2x48xbf16> {
  // expected-error @+1 {{'mix.ssd' op schedule 'ssd.chunked': block_p (32) must divide the head dim (48)}}
  %y = mix.ssd %x, %dt, %a, %b, %b {schedule = #mix.schedule<ssd.chunked, {block_p = 32}>} : (tensor<1x64x2x48xbf16>, tensor<1x64x2xf32>, tensor<2xf32>, tensor<1x64x1x64xbf16>, tensor<1x64x1x64xbf16>) -> tensor<1x64x2x48xbf16>
  return %y : tensor<1x64x2x48xbf16>
}

// -----

func.func @shared_memory_too_large(%x: tensor<1x64x2x128xbf16>, %dt: tensor<1x64x2xf32>, %a: tensor<2xf32>, %b: tensor<1x64x1x256xbf16>) -> tensor<1x64x2x128xbf16> {
  // expected-error @+1 {{'mix.ssd' op schedule 'ssd.chunked': needs 482320 bytes of shared memory, more than a block may have (232448); lower chunk_size, block_p or stages}}
  %y = mix.ssd %x, %dt, %a, %b, %b {schedule = #mix.schedule<ssd.chunked, {chunk_size = 256, warps = 8, block_p = 128, stages = 1}>} : (tensor<1x64x2x128xbf16>, tensor<1x64x2xf32>, tensor<2xf32>, tensor<1x64x1x256xbf16>, tensor<1x64x1x256xbf16>) -> tensor<1x64x2x128xbf16>
  return %y : tensor<1x64x2x128xbf16>
}
