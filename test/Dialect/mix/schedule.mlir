// RUN: mixc-opt %s -split-input-file | mixc-opt -split-input-file | FileCheck %s
// RUN: mixc-opt %s -split-input-file -mlir-print-op-generic | mixc-opt -split-input-file | FileCheck %s

// Accepted forms of #mix.schedule: every template of ScheduleTemplates.cpp
// with every legal value of each of its parameters, empty and partial
// parameter sets, quoted names, any parameter order (printed sorted by name),
// aliases, and the attention templates' shape rules at their limits.

// Every legal value of every parameter of attention.mma_sync, in some case.
// CHECK-LABEL: func @schedule_attention_mma_sync_every_value(
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 32, stages = 1, warps = 4}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 64, stages = 2, warps = 8}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 128, stages = 3, warps = 4}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 32, stages = 4, warps = 8}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
func.func @schedule_attention_mma_sync_every_value(%q: tensor<2x8x256x64xbf16>) {
  %0 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 32, warps = 4, stages = 1}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %1 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {stages = 2, warps = 8, block_n = 64, block_m = 128}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %2 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 128, warps = 4, stages = 3}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %3 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {stages = 4, warps = 8, block_n = 32, block_m = 128}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  return
}

// -----

// Every legal value of every parameter of attention.wgmma, in some case.
// CHECK-LABEL: func @schedule_attention_wgmma_every_value(
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {block_m = 64, block_n = 64, consumer_warpgroups = 1, stages = 2, tma = 0, warp_specialize = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 96, consumer_warpgroups = 2, stages = 3, tma = 0, warp_specialize = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {block_m = 192, block_n = 128, consumer_warpgroups = 3, stages = 4, tma = 0, warp_specialize = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {block_m = 64, block_n = 176, consumer_warpgroups = 1, stages = 2, tma = 0, warp_specialize = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 192, consumer_warpgroups = 2, stages = 3, tma = 0, warp_specialize = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
func.func @schedule_attention_wgmma_every_value(%q: tensor<2x8x256x64xbf16>) {
  %0 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {block_m = 64, block_n = 64, consumer_warpgroups = 1, stages = 2, tma = 0, warp_specialize = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %1 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {warp_specialize = 0, tma = 0, stages = 3, consumer_warpgroups = 2, block_n = 96, block_m = 128}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %2 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {block_m = 192, block_n = 128, consumer_warpgroups = 3, stages = 4, tma = 0, warp_specialize = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %3 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {warp_specialize = 0, tma = 0, stages = 2, consumer_warpgroups = 1, block_n = 176, block_m = 64}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %4 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 192, consumer_warpgroups = 2, stages = 3, tma = 0, warp_specialize = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  return
}

// -----

// Every legal value of every parameter of linear_attention.chunked, in some case.
// CHECK-LABEL: func @schedule_linear_attention_chunked_every_value(
// CHECK:         mix.linear_attention {{.*}} {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 16, stages = 1, warps = 4}>} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) -> tensor<1x4x512x64xf16>
// CHECK:         mix.linear_attention {{.*}} {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 32, stages = 2, warps = 8}>} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) -> tensor<1x4x512x64xf16>
// CHECK:         mix.linear_attention {{.*}} {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 64, stages = 3, warps = 4}>} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) -> tensor<1x4x512x64xf16>
// CHECK:         mix.linear_attention {{.*}} {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 128, stages = 1, warps = 8}>} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) -> tensor<1x4x512x64xf16>
func.func @schedule_linear_attention_chunked_every_value(%q: tensor<1x4x512x64xf16>) {
  %0 = mix.linear_attention %q, %q, %q {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 16, warps = 4, stages = 1}>} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) -> tensor<1x4x512x64xf16>
  %1 = mix.linear_attention %q, %q, %q {schedule = #mix.schedule<linear_attention.chunked, {stages = 2, warps = 8, chunk_size = 32}>} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) -> tensor<1x4x512x64xf16>
  %2 = mix.linear_attention %q, %q, %q {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 64, warps = 4, stages = 3}>} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) -> tensor<1x4x512x64xf16>
  %3 = mix.linear_attention %q, %q, %q {schedule = #mix.schedule<linear_attention.chunked, {stages = 1, warps = 8, chunk_size = 128}>} : (tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>, tensor<1x4x512x64xf16>) -> tensor<1x4x512x64xf16>
  return
}

// -----

// Every legal value of every parameter of selective_scan.chunked, in some case.
// CHECK-LABEL: func @schedule_selective_scan_chunked_every_value(
// CHECK:         mix.selective_scan {{.*}} {schedule = #mix.schedule<selective_scan.chunked, {channels_per_block = 1, items_per_thread = 4, threads = 32}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
// CHECK:         mix.selective_scan {{.*}} {schedule = #mix.schedule<selective_scan.chunked, {channels_per_block = 2, items_per_thread = 8, threads = 64}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
// CHECK:         mix.selective_scan {{.*}} {schedule = #mix.schedule<selective_scan.chunked, {channels_per_block = 4, items_per_thread = 16, threads = 128}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
// CHECK:         mix.selective_scan {{.*}} {schedule = #mix.schedule<selective_scan.chunked, {channels_per_block = 1, items_per_thread = 4, threads = 256}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
func.func @schedule_selective_scan_chunked_every_value(%x: tensor<2x64x256xf32>, %A: tensor<64x16xf32>, %B: tensor<2x1x16x256xf32>) {
  %0 = mix.selective_scan %x, %x, %A, %B, %B {schedule = #mix.schedule<selective_scan.chunked, {threads = 32, items_per_thread = 4, channels_per_block = 1}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
  %1 = mix.selective_scan %x, %x, %A, %B, %B {schedule = #mix.schedule<selective_scan.chunked, {channels_per_block = 2, items_per_thread = 8, threads = 64}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
  %2 = mix.selective_scan %x, %x, %A, %B, %B {schedule = #mix.schedule<selective_scan.chunked, {threads = 128, items_per_thread = 16, channels_per_block = 4}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
  %3 = mix.selective_scan %x, %x, %A, %B, %B {schedule = #mix.schedule<selective_scan.chunked, {channels_per_block = 1, items_per_thread = 4, threads = 256}>} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>, tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>) -> tensor<2x64x256xf32>
  return
}

// -----

// Every legal value of every parameter of ssd.chunked, in some case.
// CHECK-LABEL: func @schedule_ssd_chunked_every_value(
// CHECK:         mix.ssd {{.*}} {schedule = #mix.schedule<ssd.chunked, {block_p = 32, chunk_size = 32, stages = 1, warps = 4}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
// CHECK:         mix.ssd {{.*}} {schedule = #mix.schedule<ssd.chunked, {block_p = 64, chunk_size = 64, stages = 2, warps = 8}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
// CHECK:         mix.ssd {{.*}} {schedule = #mix.schedule<ssd.chunked, {block_p = 128, chunk_size = 128, stages = 3, warps = 4}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
// CHECK:         mix.ssd {{.*}} {schedule = #mix.schedule<ssd.chunked, {block_p = 32, chunk_size = 256, stages = 1, warps = 8}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
func.func @schedule_ssd_chunked_every_value(%x: tensor<1x1024x8x64xbf16>, %dt: tensor<1x1024x8xf32>, %A: tensor<8xf32>, %B: tensor<1x1024x1x128xbf16>) {
  %0 = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule<ssd.chunked, {chunk_size = 32, block_p = 32, warps = 4, stages = 1}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
  %1 = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule<ssd.chunked, {stages = 2, warps = 8, block_p = 64, chunk_size = 64}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
  %2 = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule<ssd.chunked, {chunk_size = 128, block_p = 128, warps = 4, stages = 3}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
  %3 = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule<ssd.chunked, {stages = 1, warps = 8, block_p = 32, chunk_size = 256}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
  return
}

// -----

// Every legal value of every parameter of monarch.fused, in some case.
// CHECK-LABEL: func @schedule_monarch_fused_every_value(
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 16, cluster = 1, resident_factors = 0, stages = 1, tiles = 1, warps = 4}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 32, cluster = 2, stages = 2, tiles = 2, warps = 8}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 64, cluster = 4, stages = 3, tiles = 4, warps = 4}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 128, cluster = 8, stages = 1, tiles = 8, warps = 8}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 256, cluster = 1, resident_factors = 1, stages = 2, tiles = 16, warps = 4}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 32, cluster = 8, resident_factors = 1, stages = 3, tiles = 32, warps = 8}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 16, cluster = 4, resident_factors = 1, stages = 2, tiles = 64, warps = 4}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
func.func @schedule_monarch_fused_every_value(%x: tensor<4096x1024xbf16>, %f: tensor<32x32x32xbf16>) {
  %0 = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 16, warps = 4, stages = 1, cluster = 1, tiles = 1, resident_factors = 0}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  %1 = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {tiles = 2, stages = 2, warps = 8, cluster = 2, block_tokens = 32}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  %2 = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 64, cluster = 4, warps = 4, stages = 3, tiles = 4}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  %3 = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {stages = 1, tiles = 8, warps = 8, block_tokens = 128, cluster = 8}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  %4 = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 256, warps = 4, stages = 2, tiles = 16, cluster = 1, resident_factors = 1}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  %5 = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {resident_factors = 1, tiles = 32, block_tokens = 32, cluster = 8, stages = 3, warps = 8}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  %6 = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 16, warps = 4, cluster = 4, tiles = 64, resident_factors = 1, stages = 2}>} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  return
}

// -----

// Every legal value of every parameter of permute.gather, in some case.
// CHECK-LABEL: func @schedule_permute_gather_every_value(
// CHECK:         mix.permute {{.*}} {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 1, vector_bytes = 4}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
// CHECK:         mix.permute {{.*}} {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 2, vector_bytes = 8}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
// CHECK:         mix.permute {{.*}} {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 4, vector_bytes = 16}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
// CHECK:         mix.permute {{.*}} {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 8, vector_bytes = 4}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
// CHECK:         mix.permute {{.*}} {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 16, vector_bytes = 8}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
func.func @schedule_permute_gather_every_value(%x: tensor<1x8x4096x64xbf16>, %p: tensor<8x4096xi32>) {
  %0 = mix.permute %x, %p {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 1, vector_bytes = 4}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
  %1 = mix.permute %x, %p {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {vector_bytes = 8, rows_per_block = 2}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
  %2 = mix.permute %x, %p {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 4, vector_bytes = 16}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
  %3 = mix.permute %x, %p {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {vector_bytes = 4, rows_per_block = 8}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
  %4 = mix.permute %x, %p {axis = 2 : i64, schedule = #mix.schedule<permute.gather, {rows_per_block = 16, vector_bytes = 8}>} : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
  return
}

// -----

// Empty parameters: every parameter takes the template default.
// CHECK-LABEL: func @schedule_empty_params(
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.mma_sync, {}>} :
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {}>} :
func.func @schedule_empty_params(%q: tensor<2x8x256x64xbf16>) {
  %0 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %1 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  return
}

// -----

// Some parameters given, the others default.
// CHECK-LABEL: func @schedule_partial_params(
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {block_n = 176}>} :
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {tma = 0, warp_specialize = 0}>} :
func.func @schedule_partial_params(%q: tensor<2x8x256x64xbf16>) {
  %0 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {block_n = 176}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  %1 = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.wgmma, {warp_specialize = 0, tma = 0}>} : (tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>, tensor<2x8x256x64xbf16>) -> tensor<2x8x256x64xbf16>
  return
}

// -----

// Quoted template and parameter names are accepted and print bare; hex
// integers print in decimal; whitespace and line breaks are free.
// CHECK-LABEL: func @schedule_quoted_names_and_spacing(
// CHECK:         mix.ssd {{.*}} {schedule = #mix.schedule<ssd.chunked, {block_p = 128, chunk_size = 128}>} :
// CHECK:         mix.ssd {{.*}} {schedule = #mix.schedule<ssd.chunked, {chunk_size = 64, warps = 8}>} :
func.func @schedule_quoted_names_and_spacing(%x: tensor<1x1024x8x64xbf16>, %dt: tensor<1x1024x8xf32>, %A: tensor<8xf32>, %B: tensor<1x1024x1x128xbf16>) {
  %0 = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule<"ssd.chunked", {"chunk_size" = 128, block_p = 128}>} : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
  %1 = mix.ssd %x, %dt, %A, %B, %B {schedule = #mix.schedule< ssd.chunked ,
                                                              { warps=8 ,
                                                                chunk_size = 0x40 } >}
      : (tensor<1x1024x8x64xbf16>, tensor<1x1024x8xf32>, tensor<8xf32>, tensor<1x1024x1x128xbf16>, tensor<1x1024x1x128xbf16>) -> tensor<1x1024x8x64xbf16>
  return
}

// -----

// An attribute alias for a schedule shared by two ops; the alias is resolved
// and the schedule printed in place.
#shared = #mix.schedule<monarch.fused, {block_tokens = 32, warps = 4, stages = 1}>

// CHECK-LABEL: func @schedule_alias(
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 32, stages = 1, warps = 4}>} :
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {block_tokens = 32, stages = 1, warps = 4}>} :
func.func @schedule_alias(%x: tensor<4096x1024xbf16>, %f: tensor<32x32x32xbf16>) {
  %0 = mix.monarch %x, %f, %f {schedule = #shared} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  %1 = mix.monarch %x, %f, %f {schedule = #shared} : (tensor<4096x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<4096x1024xbf16>
  return
}

// -----

// Outside an op the attribute is checked without an op: any known template
// with legal values is accepted (e.g. a tuner's list of candidates).
// CHECK-LABEL: func @schedule_as_discardable_attribute(
// CHECK-SAME:    attributes {mix.candidates = [#mix.schedule<attention.mma_sync, {block_m = 64}>, #mix.schedule<ssd.chunked, {}>, #mix.schedule<permute.gather, {vector_bytes = 4}>]}
func.func @schedule_as_discardable_attribute() attributes {mix.candidates = [#mix.schedule<attention.mma_sync, {block_m = 64}>, #mix.schedule<ssd.chunked, {}>, #mix.schedule<permute.gather, {vector_bytes = 4}>]} {
  return
}

// -----

// Attention templates: head dims 16 and 256 (the limits), D != Dv, f16 and
// bf16, grouped heads, and dynamic batch and lengths (only the head dims must
// be static).
// CHECK-LABEL: func @schedule_attention_head_dim_limits(
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x64x16xf16>, tensor<1x2x64x16xf16>, tensor<1x2x64x16xf16>) -> tensor<1x2x64x16xf16>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<1x2x64x256xbf16>, tensor<1x2x64x256xbf16>, tensor<1x2x64x256xbf16>) -> tensor<1x2x64x256xf32>
// CHECK:         mix.attention {{.*}} {schedule = #mix.schedule<attention.wgmma, {block_m = 64}>} : (tensor<1x2x64x16xf16>, tensor<1x2x64x16xf16>, tensor<1x2x64x256xf16>) -> tensor<1x2x64x256xf16>
func.func @schedule_attention_head_dim_limits(%q16: tensor<1x2x64x16xf16>, %q256: tensor<1x2x64x256xbf16>, %v256: tensor<1x2x64x256xf16>) {
  %0 = mix.attention %q16, %q16, %q16 {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x64x16xf16>, tensor<1x2x64x16xf16>, tensor<1x2x64x16xf16>) -> tensor<1x2x64x16xf16>
  %1 = mix.attention %q256, %q256, %q256 {schedule = #mix.schedule<attention.wgmma, {}>} : (tensor<1x2x64x256xbf16>, tensor<1x2x64x256xbf16>, tensor<1x2x64x256xbf16>) -> tensor<1x2x64x256xf32>
  %2 = mix.attention %q16, %q16, %v256 {schedule = #mix.schedule<attention.wgmma, {block_m = 64}>} : (tensor<1x2x64x16xf16>, tensor<1x2x64x16xf16>, tensor<1x2x64x256xf16>) -> tensor<1x2x64x256xf16>
  return
}

// -----

// CHECK-LABEL: func @schedule_attention_dynamic_batch_length_gqa(
// CHECK:         mix.attention {{.*}} {causal, schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 128}>, sink_tokens = 4 : i64, window_left = 512 : i64} : (tensor<?x32x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>) -> (tensor<?x32x?x128xbf16>, tensor<?x32x?xf32>)
func.func @schedule_attention_dynamic_batch_length_gqa(%q: tensor<?x32x?x128xbf16>, %k: tensor<?x8x?x128xbf16>) {
  %o, %lse = mix.attention %q, %k, %k {causal, window_left = 512 : i64, sink_tokens = 4 : i64, schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 128}>} : (tensor<?x32x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>) -> (tensor<?x32x?x128xbf16>, tensor<?x32x?xf32>)
  return
}

// -----

// The attention templates' element-type rule reads query and value only:
// the bias, mask and output may be any legal type.
// CHECK-LABEL: func @schedule_attention_other_operand_types(
// CHECK:         mix.attention {{.*}} bias(%{{.*}}) block_mask(%{{.*}}) {block_sizes = array<i64: 128, 64>, schedule = #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 64}>} : (tensor<1x4x1000x64xf16>, tensor<1x4x1000x64xf16>, tensor<1x4x1000x64xf16>, tensor<1x1x1000x1000xf32>, tensor<1x4x8x16xi8>) -> tensor<1x4x1000x64xf32>
func.func @schedule_attention_other_operand_types(%q: tensor<1x4x1000x64xf16>, %b: tensor<1x1x1000x1000xf32>, %m: tensor<1x4x8x16xi8>) {
  %o = mix.attention %q, %q, %q bias(%b) block_mask(%m) {block_sizes = array<i64: 128, 64>, schedule = #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 64}>} : (tensor<1x4x1000x64xf16>, tensor<1x4x1000x64xf16>, tensor<1x4x1000x64xf16>, tensor<1x1x1000x1000xf32>, tensor<1x4x8x16xi8>) -> tensor<1x4x1000x64xf32>
  return
}

// -----

// Templates other than attention put no rule on shapes or element types.
// CHECK-LABEL: func @schedule_non_attention_any_shape(
// CHECK:         mix.linear_attention {{.*}} {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 16}>} : (tensor<?x3x?x7xf32>, tensor<?x3x?x7xf32>, tensor<?x3x?x7xf32>) -> tensor<?x3x?x7xf32>
// CHECK:         mix.monarch {{.*}} {schedule = #mix.schedule<monarch.fused, {}>} : (tensor<?x12xf8E4M3FN>, tensor<3x5x4xf8E4M3FN>, tensor<5x2x3xf8E4M3FN>) -> tensor<?x10xf32>
// CHECK:         mix.permute {{.*}} {axis = 0 : i64, inverse, schedule = #mix.schedule<permute.gather, {rows_per_block = 1, vector_bytes = 4}>} : (tensor<7x3xi8>, tensor<7xi64>) -> tensor<7x3xi8>
func.func @schedule_non_attention_any_shape(%q: tensor<?x3x?x7xf32>, %x: tensor<?x12xf8E4M3FN>, %f: tensor<3x5x4xf8E4M3FN>, %s: tensor<5x2x3xf8E4M3FN>, %xp: tensor<7x3xi8>, %p: tensor<7xi64>) {
  %0 = mix.linear_attention %q, %q, %q {schedule = #mix.schedule<linear_attention.chunked, {chunk_size = 16}>} : (tensor<?x3x?x7xf32>, tensor<?x3x?x7xf32>, tensor<?x3x?x7xf32>) -> tensor<?x3x?x7xf32>
  %1 = mix.monarch %x, %f, %s {schedule = #mix.schedule<monarch.fused, {}>} : (tensor<?x12xf8E4M3FN>, tensor<3x5x4xf8E4M3FN>, tensor<5x2x3xf8E4M3FN>) -> tensor<?x10xf32>
  %2 = mix.permute %xp, %p {axis = 0 : i64, inverse, schedule = #mix.schedule<permute.gather, {rows_per_block = 1, vector_bytes = 4}>} : (tensor<7x3xi8>, tensor<7xi64>) -> tensor<7x3xi8>
  return
}
