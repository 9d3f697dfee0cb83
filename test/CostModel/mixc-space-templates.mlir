// RUN: %expect-exit 1 mixc-space %s 2>&1 | FileCheck %s
// RUN: mixc-space %s --features | FileCheck %s --check-prefix=FEATURES

// ssd.chunked's space; monarch.fused, whose builder's rules are not encoded
// yet, has none (an error, not an empty or unconstrained space), but its
// op-level features exist.

// CHECK: {"op_index":0,{{.*}}"op":"mix.ssd","template":"ssd.chunked","params":["chunk_size","block_p","warps","stages"],"count":[[#]],"product":96}
// FEATURES: {"op_index":0,{{.*}}"op":"mix.ssd","template":"ssd.chunked","params":{"chunk_size":64,
func.func @ssd(%x: tensor<1x256x4x64xbf16>, %dt: tensor<1x256x4xf32>, %a: tensor<4xf32>, %b: tensor<1x256x1x128xbf16>, %c: tensor<1x256x1x128xbf16>) -> tensor<1x256x4x64xbf16> {
  %y = mix.ssd %x, %dt, %a, %b, %c : (tensor<1x256x4x64xbf16>, tensor<1x256x4xf32>, tensor<4xf32>, tensor<1x256x1x128xbf16>, tensor<1x256x1x128xbf16>) -> tensor<1x256x4x64xbf16>
  return %y : tensor<1x256x4x64xbf16>
}

// CHECK: mixc-space: op 1 ('mix.monarch' at {{.*}}): no schedule space for template 'monarch.fused' yet: its kernel builder's rules are not encoded in costmodel/ScheduleSpace.cpp
// FEATURES: {"op_index":1,{{.*}}"op":"mix.monarch","template":"monarch.fused",
func.func @monarch(%x: tensor<64x1024xbf16>, %r: tensor<32x32x32xbf16>, %l: tensor<32x32x32xbf16>) -> tensor<64x1024xbf16> {
  %y = mix.monarch %x, %r, %l : (tensor<64x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<64x1024xbf16>
  return %y : tensor<64x1024xbf16>
}
