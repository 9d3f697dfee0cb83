// monarch.fused on a chip before sm_90: thread-block clusters and TMA are
// refused at the op with what to change; the default schedule (clusters of
// 2 on sm_90) lowers with cluster = 1, the values sm_80 runs.
// RUN: mixc-opt %s -split-input-file --convert-mix-to-gpu="chip=sm_80" -verify-diagnostics | FileCheck %s
// RUN: mixc-opt %s -split-input-file --mix-assign-schedules="chip=sm_80" | FileCheck %s --check-prefix=ASSIGN80
// RUN: mixc-opt %s -split-input-file --mix-assign-schedules="chip=sm_90a" | FileCheck %s --check-prefix=ASSIGN90

// CHECK-LABEL: func.func @default_schedule
// CHECK: gpu.func @monarch_0
// CHECK-SAME: schedule = #mix.schedule<monarch.fused, {cluster = 1}>
// CHECK-NOT: nvvm.cluster_dim
// ASSIGN80-LABEL: func.func @default_schedule
// ASSIGN80: mix.schedule_source = "default", schedule = #mix.schedule<monarch.fused, {block_tokens = 32, blocks_per_sm = 1, cluster = 1, resident_factors = 0, stages = 2, tiles = 4, tma = 0, warps = 8}>
// ASSIGN90-LABEL: func.func @default_schedule
// ASSIGN90: mix.schedule_source = "default", schedule = #mix.schedule<monarch.fused, {block_tokens = 32, blocks_per_sm = 1, cluster = 2, resident_factors = 0, stages = 2, tiles = 4, tma = 0, warps = 8}>
func.func @default_schedule(%x: tensor<100x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<100x1024xbf16> {
  %y = mix.monarch %x, %f, %f : (tensor<100x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<100x1024xbf16>
  return %y : tensor<100x1024xbf16>
}

// -----

// An explicit cluster is refused.
func.func @cluster(%x: tensor<100x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<100x1024xbf16> {
  // expected-error @+1 {{schedule 'monarch.fused': cluster = 2 (thread-block clusters) needs sm_90 or later, not chip 'sm_80'; give a schedule with cluster = 1}}
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {cluster = 2}>} : (tensor<100x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<100x1024xbf16>
  return %y : tensor<100x1024xbf16>
}

// -----

// CHECK-LABEL: func.func @no_cluster
// CHECK: gpu.func @monarch_0
// CHECK-NOT: nvvm.cluster_dim
// CHECK: nvgpu.device_async_copy
// CHECK-NOT: mbarrier
func.func @no_cluster(%x: tensor<100x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<100x1024xbf16> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {cluster = 1}>} : (tensor<100x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<100x1024xbf16>
  return %y : tensor<100x1024xbf16>
}

// -----

// TMA boxes (cp.async.bulk.tensor) are sm_90's too.
func.func @tma(%x: tensor<100x1024xbf16>, %f: tensor<32x32x32xbf16>) -> tensor<100x1024xbf16> {
  // expected-error @+1 {{schedule 'monarch.fused': tma = 1 (cp.async.bulk.tensor) needs sm_90 or later, not chip 'sm_80'; give a schedule with tma = 0}}
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {cluster = 1, resident_factors = 2, tma = 1}>} : (tensor<100x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<100x1024xbf16>
  return %y : tensor<100x1024xbf16>
}
