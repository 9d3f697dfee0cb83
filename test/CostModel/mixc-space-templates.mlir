// RUN: mixc-space %s | FileCheck %s
// RUN: mixc-space %s --features | FileCheck %s --check-prefix=FEATURES
// RUN: %expect-exit 1 mixc-space %s --template attention.wgmma 2>&1 | FileCheck %s --check-prefix=NO-RULES

// The spaces of ssd.chunked and monarch.fused. A template whose builder's
// rules are not encoded has none: an error, not an empty or unconstrained
// space.

// CHECK: {"op_index":0,{{.*}}"op":"mix.ssd","template":"ssd.chunked","params":["chunk_size","block_p","warps","stages"],"count":[[#]],"product":96}
// FEATURES: {"op_index":0,{{.*}}"op":"mix.ssd","task":"mix.ssd {{[^"]*}}","template":"ssd.chunked","params":{"chunk_size":64,
// NO-RULES: mixc-space: op 0 ('mix.ssd' at {{.*}}): kernel template 'attention.wgmma' lowers 'mix.attention', not 'mix.ssd'
func.func @ssd(%x: tensor<1x256x4x64xbf16>, %dt: tensor<1x256x4xf32>, %a: tensor<4xf32>, %b: tensor<1x256x1x128xbf16>, %c: tensor<1x256x1x128xbf16>) -> tensor<1x256x4x64xbf16> {
  %y = mix.ssd %x, %dt, %a, %b, %c : (tensor<1x256x4x64xbf16>, tensor<1x256x4xf32>, tensor<4xf32>, tensor<1x256x1x128xbf16>, tensor<1x256x1x128xbf16>) -> tensor<1x256x4x64xbf16>
  return %y : tensor<1x256x4x64xbf16>
}

// CHECK: {"op_index":1,{{.*}}"op":"mix.monarch","template":"monarch.fused","params":["block_tokens","warps","stages","cluster","tiles"],"count":[[#]],"product":[[#]]}
// FEATURES: {"op_index":1,{{.*}}"op":"mix.monarch","task":"mix.monarch {{[^"]*}}","template":"monarch.fused",
func.func @monarch(%x: tensor<64x1024xbf16>, %r: tensor<32x32x32xbf16>, %l: tensor<32x32x32xbf16>) -> tensor<64x1024xbf16> {
  %y = mix.monarch %x, %r, %l : (tensor<64x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<64x1024xbf16>
  return %y : tensor<64x1024xbf16>
}

// NO-RULES: mixc-space: op 2 ('mix.attention' at {{.*}}): no schedule space for template 'attention.wgmma' yet: its kernel builder's rules are not encoded in costmodel/ScheduleSpace.cpp
func.func @attention(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = mix.attention %q, %k, %v : (tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}
