// RUN: mixc-space %s | FileCheck %s
// RUN: mixc-space %s --features | FileCheck %s --check-prefix=FEATURES
// RUN: %expect-exit 1 mixc-space %s --template attention.wgmma 2>&1 | FileCheck %s --check-prefix=WGMMA

// The spaces of ssd.chunked and monarch.fused, and of a template named for
// every op: an error at the ops it does not lower.

// CHECK: {"op_index":0,{{.*}}"op":"mix.ssd","template":"ssd.chunked","params":["chunk_size","block_p","warps","stages"],"count":[[#]],"product":96}
// FEATURES: {"op_index":0,{{.*}}"op":"mix.ssd","task":"mix.ssd {{[^"]*}}","template":"ssd.chunked","params":{"chunk_size":64,
// WGMMA: mixc-space: op 0 ('mix.ssd' at {{.*}}): kernel template 'attention.wgmma' lowers 'mix.attention', not 'mix.ssd'
func.func @ssd(%x: tensor<1x256x4x64xbf16>, %dt: tensor<1x256x4xf32>, %a: tensor<4xf32>, %b: tensor<1x256x1x128xbf16>, %c: tensor<1x256x1x128xbf16>) -> tensor<1x256x4x64xbf16> {
  %y = mix.ssd %x, %dt, %a, %b, %c : (tensor<1x256x4x64xbf16>, tensor<1x256x4xf32>, tensor<4xf32>, tensor<1x256x1x128xbf16>, tensor<1x256x1x128xbf16>) -> tensor<1x256x4x64xbf16>
  return %y : tensor<1x256x4x64xbf16>
}

// CHECK: {"op_index":1,{{.*}}"op":"mix.monarch","template":"monarch.fused","params":["block_tokens","warps","stages","cluster","tiles","resident_factors","blocks_per_sm","tma"],"count":[[#]],"product":[[#]]}
// FEATURES: {"op_index":1,{{.*}}"op":"mix.monarch","task":"mix.monarch {{[^"]*}}","template":"monarch.fused",
func.func @monarch(%x: tensor<64x1024xbf16>, %r: tensor<32x32x32xbf16>, %l: tensor<32x32x32xbf16>) -> tensor<64x1024xbf16> {
  %y = mix.monarch %x, %r, %l : (tensor<64x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<64x1024xbf16>
  return %y : tensor<64x1024xbf16>
}

// WGMMA: mixc-space: op 1 ('mix.monarch' at {{.*}}): kernel template 'attention.wgmma' lowers 'mix.attention', not 'mix.monarch'
// WGMMA: {"op_index":2,{{.*}}"op":"mix.attention","template":"attention.wgmma","params":["block_m","block_n","consumer_warpgroups","stages","tma","warp_specialize"],"count":[[#]],"product":270}
func.func @attention(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = mix.attention %q, %k, %v : (tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}
