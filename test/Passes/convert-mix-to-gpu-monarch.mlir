// RUN: mixc-opt %s -split-input-file --convert-mix-to-gpu -verify-diagnostics | FileCheck %s

// The default schedule (32 tokens, 8 warps, 2 stages, clusters of 2 blocks,
// 4 tiles per cluster): a cluster kernel (nvvm.cluster_dim) whose grid is 2
// blocks per ceil(rows / 128). Thread 0 initializes the block's u mbarrier
// before a full cluster barrier; per tile, the wait of the previous tile's
// relaxed arrive (after its first), thread 0 arming the mbarrier with the
// tile's u bytes, stage 1 (F1 by ldmatrix, x by ldmatrix, mma.sync, u
// stored into the owner block by mapa + st.async, counted on the owner's
// mbarrier), the wait for the mbarrier's phase, stage 2 (u by
// ldmatrix.trans, staging stores, y in 16-byte vectors) and a relaxed
// cluster arrive; after the tiles, the last arrive's wait.
// CHECK-LABEL: func.func @default_schedule
// CHECK: mix.monarch {{.*}} {mix.kernel = @mix_kernels::@monarch_0}
// CHECK: gpu.module @mix_kernels
// CHECK: gpu.func @monarch_0(%{{.*}}: memref<?x1024xbf16, #gpu.address_space<global>>, %{{.*}}: memref<32x32x32xbf16, #gpu.address_space<global>>, %{{.*}}: memref<32x32x32xbf16, #gpu.address_space<global>>, %{{.*}}: memref<?x1024xbf16, #gpu.address_space<global>>)
// CHECK-SAME: mix.launch = {arg_names = ["input", "first_factor", "second_factor", "result"], arg_roles = ["input", "input", "input", "output"], block = array<i64: 256, 1, 1>, grid = {{\[\[}}array<i64: 2, -1, -1, 1>, array<i64: 1, 0, 0, 128>], [], []], op = "mix.monarch", op_attrs = {}, schedule = #mix.schedule<monarch.fused, {}>, shared_bytes = 124296 : i64}
// CHECK-SAME: nvvm.cluster_dim = array<i32: 2, 1, 1>
// CHECK: gpu.dynamic_shared_memory
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: mbarrier.init.shared::cta.b64 [$0], $1;
// CHECK: fence.mbarrier_init.release.cluster;
// CHECK: barrier.cluster.arrive.aligned;\0Abarrier.cluster.wait.aligned;
// CHECK: nvgpu.device_async_copy {{.*}} : memref<32x32x32xbf16, #gpu.address_space<global>> to memref<256x40xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy {{.*}} : memref<?x1024xbf16, #gpu.address_space<global>> to memref<32x264xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_create_group
// CHECK: scf.for
// CHECK: scf.if
// CHECK-NEXT: barrier.cluster.wait.aligned;
// CHECK: mbarrier.arrive.expect_tx.shared::cta.b64 _, [$0], $1;
// CHECK: scf.for
// CHECK: nvgpu.device_async_wait {{.*}} {numGroups = 0 : i32}
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<256x40xbf16
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<32x264xbf16
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK: gpu.shuffle xor
// CHECK: mapa.shared::cluster.u32 remote, $0, $1;\0Amapa.shared::cluster.u32 bar, $2, $1;\0Ast.async.shared::cluster.mbarrier::complete_tx::bytes.v4.b32 [remote], {$3, $4, $5, $6}, [bar];
// CHECK-NOT: barrier.cluster
// CHECK: mbarrier.try_wait.parity.shared::cta.b64 done, [$0], $1;
// CHECK: scf.for
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true} : memref<32x32xbf16
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK: memref.store {{.*}} : memref<8256xbf16, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: vector.load {{.*}} {alignment = 4 : i64} : memref<8256xbf16, #gpu.address_space<workgroup>>, vector<2xbf16>
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<?x1024xbf16, #gpu.address_space<global>>, vector<8xbf16>
// CHECK: barrier.cluster.arrive.relaxed.aligned;
// CHECK: scf.if
// CHECK-NEXT: barrier.cluster.wait.aligned;
// CHECK: nvgpu.device_async_wait {{.*}} {numGroups = 0 : i32}
func.func @default_schedule(%x: tensor<?x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<?x1024xbf16> {
  %y = mix.monarch %x, %f, %f : (tensor<?x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<?x1024xbf16>
  return %y : tensor<?x1024xbf16>
}

// -----

// No cluster, one stage (each step loads and waits for itself), one tile per
// block, 4 warps; f16 non-square factors (k = 8, q = 32, p = 64; l = 16,
// s = 32, r = 16), x with two dynamic leading dims (collapsed to rows; the
// first is grid y), an f32 result (stored 4 floats at a time). u is local:
// 4-byte vector stores.
// CHECK-LABEL: func.func @one_stage_no_cluster_nonsquare
// CHECK: gpu.func @monarch_0(%{{.*}}: memref<?x?x512xf16, #gpu.address_space<global>>, %{{.*}}: memref<8x32x64xf16, #gpu.address_space<global>>, %{{.*}}: memref<16x32x16xf16, #gpu.address_space<global>>, %{{.*}}: memref<?x?x512xf32, #gpu.address_space<global>>)
// CHECK-SAME: block = array<i64: 128, 1, 1>, grid = {{\[\[}}array<i64: 1, -1, -1, 1>, array<i64: 1, 0, 1, 16>], [array<i64: 1, 0, 0, 1>], []]
// CHECK-SAME: shared_bytes = 51776 : i64}}
// CHECK-NOT: nvvm.cluster_dim
// CHECK: memref.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : memref<?x?x512xf16, #gpu.address_space<global>> into memref<?x512xf16, #gpu.address_space<global>>
// CHECK: memref.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : memref<?x?x512xf32, #gpu.address_space<global>> into memref<?x512xf32, #gpu.address_space<global>>
// CHECK-NOT: barrier.cluster
// CHECK: scf.for
// CHECK: scf.for
// CHECK: gpu.barrier
// CHECK: nvgpu.device_async_copy {{.*}} : memref<8x32x64xf16, #gpu.address_space<global>> to memref<128x72xf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_wait {{.*}} {numGroups = 0 : i32}
// CHECK-NOT: numGroups = 1
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK: vector.store {{.*}} {alignment = 4 : i64} : memref<4224xf16, #gpu.address_space<workgroup>>, vector<2xf16>
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true} : memref<16x16xf16
// CHECK: memref.store {{.*}} : memref<4112xf32, #gpu.address_space<workgroup>>
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<?x512xf32, #gpu.address_space<global>>, vector<4xf32>
// CHECK-NOT: mapa
func.func @one_stage_no_cluster_nonsquare(%x: tensor<?x?x512xf16>, %f: tensor<8x32x64xf16>, %g: tensor<16x32x16xf16>) -> tensor<?x?x512xf32> {
  %y = mix.monarch %x, %f, %g {schedule = #mix.schedule<monarch.fused, {block_tokens = 16, warps = 4, stages = 1, cluster = 1, tiles = 1}>} : (tensor<?x?x512xf16>, tensor<8x32x64xf16>, tensor<16x32x16xf16>) -> tensor<?x?x512xf32>
  return %y : tensor<?x?x512xf32>
}

// -----

// Resident factors (n = 4096, a cluster of 8, 32 tokens, 32 tiles): before
// the tile loop each block copies its 8 + 8 factor blocks once, committed
// with the ring's first step; the ring then carries x columns alone. Stage 2
// reads the resident second factor in one step, with no ring step and no
// staging buffer: each warp task keeps the 8 lb of a [16 x 16] tile and
// stores 16-byte vectors of y from its accumulators. Grid: 8 blocks per
// ceil(rows / 1024).
// CHECK-LABEL: func.func @resident_factors
// CHECK: gpu.func @monarch_0
// CHECK-SAME: grid = {{\[\[}}array<i64: 8, -1, -1, 1>, array<i64: 1, 0, 0, 1024>], [], []]
// CHECK-SAME: shared_bytes = 231048 : i64}
// CHECK-SAME: nvvm.cluster_dim = array<i32: 8, 1, 1>
// CHECK: nvgpu.device_async_copy %arg1{{.*}} : memref<64x64x64xbf16, #gpu.address_space<global>> to memref<512x72xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %arg2{{.*}} : memref<64x64x64xbf16, #gpu.address_space<global>> to memref<512x72xbf16, #gpu.address_space<workgroup>>
// CHECK-NOT: scf.for
// CHECK: nvgpu.device_async_copy {{.*}} : memref<?x4096xbf16, #gpu.address_space<global>> to memref<32x
// CHECK: nvgpu.device_async_create_group
// CHECK: scf.for
// CHECK: mbarrier.arrive.expect_tx
// CHECK: scf.for
// CHECK: nvgpu.device_async_wait
// CHECK-NOT: memref<64x64x64xbf16
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK: st.async.shared::cluster
// CHECK: mbarrier.try_wait.parity
// CHECK: scf.for
// CHECK-NOT: nvgpu.device_async_wait
// CHECK-NOT: gpu.barrier
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-NOT: memref.store
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<?x4096xbf16, #gpu.address_space<global>>, vector<8xbf16>
func.func @resident_factors(%x: tensor<?x4096xbf16>, %f: tensor<64x64x64xbf16>) -> tensor<?x4096xbf16> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 32, cluster = 8, stages = 3, tiles = 32, resident_factors = 1}>} : (tensor<?x4096xbf16>, tensor<64x64x64xbf16>, tensor<64x64x64xbf16>) -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}

// -----

// The second factor alone resident (resident_factors = 2; n = 4096, a
// cluster of 8, 64 tokens): its 8 blocks are copied before the tile loop,
// the first factor's stream through the ring with x (one block a step),
// and stage 2 stores y from registers, as above. An f32 result makes tasks
// of 4 lb: one 16-byte store per (token, si).
// CHECK-LABEL: func.func @resident_second_factor
// CHECK: gpu.func @monarch_0
// CHECK-SAME: shared_bytes = 194696 : i64}
// CHECK: nvgpu.device_async_copy %arg2{{.*}} : memref<64x64x64xbf16, #gpu.address_space<global>> to memref<512x72xbf16, #gpu.address_space<workgroup>>
// CHECK-NOT: scf.for
// CHECK: nvgpu.device_async_copy %arg1{{.*}} : memref<64x64x64xbf16, #gpu.address_space<global>> to memref<64x72xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %arg0{{.*}} : memref<?x4096xbf16, #gpu.address_space<global>> to memref<64x72xbf16
// CHECK: scf.for
// CHECK: mbarrier.arrive.expect_tx
// CHECK: scf.for
// CHECK: nvgpu.device_async_copy %arg1
// CHECK: st.async.shared::cluster
// CHECK: mbarrier.try_wait.parity
// CHECK: scf.for
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<?x4096xf32, #gpu.address_space<global>>, vector<4xf32>
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<?x4096xf32, #gpu.address_space<global>>, vector<4xf32>
func.func @resident_second_factor(%x: tensor<?x4096xbf16>, %f: tensor<64x64x64xbf16>) -> tensor<?x4096xf32> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 64, cluster = 8, stages = 3, tiles = 2, resident_factors = 2}>} : (tensor<?x4096xbf16>, tensor<64x64x64xbf16>, tensor<64x64x64xbf16>) -> tensor<?x4096xf32>
  return %y : tensor<?x4096xf32>
}

// -----

// Without a cluster, a block would keep both whole factors (160 KiB at
// n = 1024) beside u: refused, naming the factors' share.
func.func @resident_factors_too_large(%x: tensor<8x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<8x1024xbf16> {
  // expected-error @+1 {{'mix.monarch' op schedule 'monarch.fused' needs 232464 bytes of shared memory (u: 66048 for 32 tokens x 1024 entries per block, resident factors: 163840), more than a block may have (232448); lower block_tokens or stages, or raise cluster, or stream the factors (resident_factors = 0)}}
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 32, cluster = 1, stages = 1, resident_factors = 1}>} : (tensor<8x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<8x1024xbf16>
  return %y : tensor<8x1024xbf16>
}

// -----

func.func @block_sizes_not_multiples_of_16(%x: tensor<8x96xbf16>, %f: tensor<4x24x24xbf16>) -> tensor<8x96xbf16> {
  // expected-error @+1 {{'mix.monarch' op kernel template 'monarch.fused' does not lower factor blocks whose sizes are not multiples of 16 (first_factor [k, q, p] = [4, 24, 24], second_factor [l, s, r] = [4, 24, 24]: q, p, s and r must be) (the CPU path, --mix-cpu-pipeline, does)}}
  %y = mix.monarch %x, %f, %f : (tensor<8x96xbf16>, tensor<4x24x24xbf16>, tensor<4x24x24xbf16>) -> tensor<8x96xbf16>
  return %y : tensor<8x96xbf16>
}

// -----

func.func @cluster_not_dividing_blocks(%x: tensor<8x512xbf16>, %f: tensor<2x16x256xbf16>, %g: tensor<2x256x16xbf16>) -> tensor<8x512xbf16> {
  // expected-error @+1 {{'mix.monarch' op schedule 'monarch.fused': cluster (4) must divide the block counts of both factors (k = 2, l = 2)}}
  %y = mix.monarch %x, %f, %g {schedule = #mix.schedule<monarch.fused, {cluster = 4}>} : (tensor<8x512xbf16>, tensor<2x16x256xbf16>, tensor<2x256x16xbf16>) -> tensor<8x512xbf16>
  return %y : tensor<8x512xbf16>
}

// -----

// n = 4096: u holds 64 tokens x 4096 entries (512 KiB) in one block.
func.func @u_too_large(%x: tensor<8x4096xbf16>, %f: tensor<64x64x64xbf16>) -> tensor<8x4096xbf16> {
  // expected-error @+1 {{'mix.monarch' op schedule 'monarch.fused' needs 571408 bytes of shared memory (u: 525312 for 64 tokens x 4096 entries per block), more than a block may have (232448); lower block_tokens or stages, or raise cluster}}
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 64, cluster = 1}>} : (tensor<8x4096xbf16>, tensor<64x64x64xbf16>, tensor<64x64x64xbf16>) -> tensor<8x4096xbf16>
  return %y : tensor<8x4096xbf16>
}

// -----

func.func @f32_operands(%x: tensor<8x256xf32>, %f: tensor<16x16x16xf32>) -> tensor<8x256xf32> {
  // expected-error @+1 {{'mix.monarch' op kernel template 'monarch.fused' does not lower element types other than one of f16 and bf16 for x and both factors (the CPU path, --mix-cpu-pipeline, does)}}
  %y = mix.monarch %x, %f, %f : (tensor<8x256xf32>, tensor<16x16x16xf32>, tensor<16x16x16xf32>) -> tensor<8x256xf32>
  return %y : tensor<8x256xf32>
}

// -----

func.func @f16_result_of_bf16(%x: tensor<8x256xbf16>, %f: tensor<16x16x16xbf16>) -> tensor<8x256xf16> {
  // expected-error @+1 {{'mix.monarch' op kernel template 'monarch.fused' does not lower a result type other than x's or f32 (the CPU path, --mix-cpu-pipeline, does)}}
  %y = mix.monarch %x, %f, %f : (tensor<8x256xbf16>, tensor<16x16x16xbf16>, tensor<16x16x16xbf16>) -> tensor<8x256xf16>
  return %y : tensor<8x256xf16>
}

// -----

func.func @dynamic_feature_size(%x: tensor<8x?xbf16>, %f: tensor<16x16x16xbf16>) -> tensor<8x256xbf16> {
  // expected-error @+1 {{'mix.monarch' op kernel template 'monarch.fused' does not lower a dynamic feature size or dynamic factor shapes (the CPU path, --mix-cpu-pipeline, does)}}
  %y = mix.monarch %x, %f, %f : (tensor<8x?xbf16>, tensor<16x16x16xbf16>, tensor<16x16x16xbf16>) -> tensor<8x256xbf16>
  return %y : tensor<8x256xbf16>
}

// -----

// Two blocks per SM (n = 1024, 32 tokens, a cluster of 2): the plan fits
// half an SM's shared memory (115712 bytes with the static 16, less 1 KiB
// reserved per block), and the kernel tells ptxas its block size and that
// two must fit (registers capped at 128 per thread).
// CHECK-LABEL: func.func @two_blocks_per_sm
// CHECK: gpu.func @monarch_0
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: shared_bytes = 110984 : i64}
// CHECK-SAME: nvvm.minctasm = 2 : i32
func.func @two_blocks_per_sm(%x: tensor<16384x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<16384x1024xbf16> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 32, cluster = 2, stages = 3, tiles = 4, blocks_per_sm = 2}>} : (tensor<16384x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<16384x1024xbf16>
  return %y : tensor<16384x1024xbf16>
}

// -----

// A plan that needs more than half an SM is refused with blocks_per_sm = 2
// (and lowers with 1).
func.func @too_big_for_two(%x: tensor<16384x4096xbf16>, %f: tensor<64x64x64xbf16>) -> tensor<16384x4096xbf16> {
  // expected-error @+1 {{schedule 'monarch.fused' needs 194712 bytes of shared memory (u: 65664 for 64 tokens x 512 entries per block, resident factors: 73728), more than a block may have (115712 with blocks_per_sm = 2); lower block_tokens or stages, or raise cluster, or stream the factors (resident_factors = 0), or lower blocks_per_sm}}
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 64, cluster = 8, stages = 3, tiles = 2, resident_factors = 2, blocks_per_sm = 2}>} : (tensor<16384x4096xbf16>, tensor<64x64x64xbf16>, tensor<64x64x64xbf16>) -> tensor<16384x4096xbf16>
  return %y : tensor<16384x4096xbf16>
}

// -----

// TMA boxes for stage 1 (n = 4096, the second factor resident, the first
// streamed): two trailing tensor-map parameters (x in [64 tokens x 64]
// boxes, the first factor in [64 x 64] boxes, both with the 128-byte
// swizzle), recorded in the launch attribute; thread 0 initializes a full
// and an empty mbarrier per ring slot; the ring's start is aligned at run
// time; thread 0 waits for the slot's release (empty), arms its full
// mbarrier with the step's 16 KiB and issues its two boxes; every thread
// waits on the full phase; x and the factor are read by ldmatrix through
// the swizzle (an XOR of the byte offset); each warp's lane 0 then
// releases the slot; the resident second factor still comes by cp.async,
// waited for in the prologue.
// CHECK-LABEL: func.func @tma_boxes
// CHECK: gpu.func @monarch_0(%{{.*}}: memref<16384x4096xbf16, #gpu.address_space<global>>, %{{.*}}: memref<64x64x64xbf16, #gpu.address_space<global>>, %{{.*}}: memref<64x64x64xbf16, #gpu.address_space<global>>, %{{.*}}: memref<16384x4096xbf16, #gpu.address_space<global>>, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-SAME: mix.launch = {{{.*}}shared_bytes = 189624 : i64, tensor_maps = [array<i64: 0, 128, 64, 64>, array<i64: 1, 128, 64, 64>]}
// CHECK-SAME: mix.tensor_maps = 2 : i64
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: mbarrier.init.shared::cta.b64 [$0], $1;
// CHECK: fence.mbarrier_init.release.cluster;
// CHECK: mbarrier.arrive.expect_tx.shared::cta.b64 _, [$0], $1;
// CHECK: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [$0], [$1, {$2, $3}], [$4];
// CHECK: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [$0], [$1, {$2, $3}], [$4];
// CHECK: nvgpu.device_async_copy {{.*}} : memref<64x64x64xbf16, #gpu.address_space<global>> to memref<512x72xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: mbarrier.try_wait.parity.shared::cta.b64 done, [$0], $1;
// CHECK-NOT: gpu.barrier
// CHECK: cp.async.bulk.tensor.2d
// CHECK: arith.xori
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<94812xbf16, #gpu.address_space<workgroup>> -> vector<4x2xbf16>
// CHECK: mbarrier.arrive.shared::cta.b64 _, [$0];
func.func @tma_boxes(%x: tensor<16384x4096xbf16>, %f: tensor<64x64x64xbf16>) -> tensor<16384x4096xbf16> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 64, cluster = 8, stages = 3, tiles = 2, resident_factors = 2, tma = 1}>} : (tensor<16384x4096xbf16>, tensor<64x64x64xbf16>, tensor<64x64x64xbf16>) -> tensor<16384x4096xbf16>
  return %y : tensor<16384x4096xbf16>
}

// -----

// Both factors resident: only x's map.
// CHECK-LABEL: func.func @tma_x_only
// CHECK: gpu.func @monarch_0(%{{.*}}: memref<?x1024xbf16, #gpu.address_space<global>>, %{{.*}}: memref<32x32x32xbf16, #gpu.address_space<global>>, %{{.*}}: memref<32x32x32xbf16, #gpu.address_space<global>>, %{{.*}}: memref<?x1024xbf16, #gpu.address_space<global>>, %{{.*}}: !llvm.ptr)
// CHECK-SAME: tensor_maps = [array<i64: 0, 128, 32, 64>]
func.func @tma_x_only(%x: tensor<?x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<?x1024xbf16> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 32, cluster = 2, stages = 3, tiles = 16, resident_factors = 1, tma = 1}>} : (tensor<?x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<?x1024xbf16>
  return %y : tensor<?x1024xbf16>
}

// -----

// A streamed second factor is not boxed: tma needs resident factors.
func.func @tma_streamed(%x: tensor<100x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<100x1024xbf16> {
  // expected-error @+1 {{schedule 'monarch.fused': tma = 1 needs resident_factors = 1 or 2 (a streamed second factor is copied with cp.async); give resident_factors or tma = 0}}
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {tma = 1}>} : (tensor<100x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<100x1024xbf16>
  return %y : tensor<100x1024xbf16>
}

// -----

// A box has at most 256 rows: q = 512 is refused.
func.func @tma_tall_factor(%x: tensor<100x1024xbf16>, %f: tensor<2x512x512xbf16>, %g: tensor<64x16x16xbf16>) -> tensor<100x1024xbf16> {
  // expected-error @+1 {{schedule 'monarch.fused': tma = 1 copies boxes of at most 256 rows: block_tokens (32) and the first factor's q (512) must not exceed it}}
  %y = mix.monarch %x, %f, %g {schedule = #mix.schedule<monarch.fused, {cluster = 1, resident_factors = 2, tma = 1}>} : (tensor<100x1024xbf16>, tensor<2x512x512xbf16>, tensor<64x16x16xbf16>) -> tensor<100x1024xbf16>
  return %y : tensor<100x1024xbf16>
}
