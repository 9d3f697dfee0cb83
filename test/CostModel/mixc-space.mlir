// RUN: mixc-space %s | FileCheck %s --check-prefix=COUNT
// RUN: mixc-space %s --sample 2 --seed 1 | FileCheck %s --check-prefix=SAMPLE
// RUN: mixc-space %s --enumerate | FileCheck %s --check-prefix=ENUM
// RUN: mixc-space %s --features | FileCheck %s --check-prefix=FEATURES
// RUN: %expect-exit 1 mixc-space %s --template ssd.chunked 2>&1 | FileCheck %s --check-prefix=WRONG

// The schedule spaces of attention.mma_sync for three ops, as JSON lines
// (the template of the op's schedule; without one, the default template).

// COUNT: {"op_index":0,"loc":"loc({{.*}}mixc-space.mlir\":[[#@LINE+3]]:8)","op":"mix.attention","template":"attention.mma_sync","params":["block_m","block_n","warps","stages"],"count":36,"product":48}
// SAMPLE-COUNT-2: {"op_index":0,{{.*}}"params":{"block_m":{{[0-9]+}},"block_n":{{[0-9]+}},"warps":{{[48]}},"stages":{{[1-4]}}}}
func.func @causal_window(%q: tensor<1x2x333x64xbf16>, %k: tensor<1x2x333x64xbf16>, %v: tensor<1x2x333x64xbf16>) -> tensor<1x2x333x64xbf16> {
  %o = mix.attention %q, %k, %v {causal, window_left = 64, schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x333x64xbf16>, tensor<1x2x333x64xbf16>, tensor<1x2x333x64xbf16>) -> tensor<1x2x333x64xbf16>
  return %o : tensor<1x2x333x64xbf16>
}

// Head dim 256: shared memory (Q 33 KiB per 64 rows, K and V 16.5 KiB per
// 32 rows and stage) leaves 7 schedules for each of block_m 64 with 4 warps
// and block_m 128 with 4 or 8.
// COUNT: {"op_index":1,{{.*}}"count":21,"product":48}
// ENUM-COUNT-36: {"op_index":0,
// ENUM: {"op_index":1,{{.*}}"params":{"block_m":64,"block_n":32,"warps":4,"stages":1}}
// FEATURES: {"op_index":1,{{.*}}"schema_version":"mixc-features-4","op":"mix.attention","task":"mix.attention b=2 hq=4 hkv=4 lq=1024 lk=1024 d=256 dv=256 f16/f16->2B","template":"attention.mma_sync","params":{"block_m":64,"block_n":32,"warps":4,"stages":1},"feature_names":["op_kind","batch",
func.func @head_dim_256(%q: tensor<2x4x1024x256xf16>, %k: tensor<2x4x1024x256xf16>, %v: tensor<2x4x1024x256xf16>) -> tensor<2x4x1024x256xf16> {
  %o = mix.attention %q, %k, %v {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 32, warps = 4, stages = 1}>} : (tensor<2x4x1024x256xf16>, tensor<2x4x1024x256xf16>, tensor<2x4x1024x256xf16>) -> tensor<2x4x1024x256xf16>
  return %o : tensor<2x4x1024x256xf16>
}

// The builder does not lower a bias: an empty space that says why.
// COUNT: {"op_index":2,{{.*}}"count":0,"product":48,"refusal":"'attention.mma_sync' does not lower an additive bias yet"}
// WRONG: mixc-space: op 0 ('mix.attention' at loc({{.*}})): kernel template 'ssd.chunked' lowers 'mix.ssd', not 'mix.attention'
func.func @with_bias(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>, %b: tensor<1x1x128x128xf32>) -> tensor<1x2x128x64xbf16> {
  %o = mix.attention %q, %k, %v bias(%b) : (tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x1x128x128xf32>) -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

// Without a schedule, head dim 128 in bf16: the default template is
// attention.wgmma (one warpgroup per 64 rows, so block_m fixes
// consumer_warpgroups; block_n in 16s; tiles of whole copies per thread;
// shared memory; K/V by cp.async or TMA).
// COUNT: {"op_index":3,{{.*}}"template":"attention.wgmma","params":["block_m","block_n","consumer_warpgroups","stages","tma","warp_specialize"],"count":44,"product":270}
func.func @default_wgmma(%q: tensor<1x2x512x128xbf16>, %k: tensor<1x2x512x128xbf16>, %v: tensor<1x2x512x128xbf16>) -> tensor<1x2x512x128xbf16> {
  %o = mix.attention %q, %k, %v : (tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>) -> tensor<1x2x512x128xbf16>
  return %o : tensor<1x2x512x128xbf16>
}
