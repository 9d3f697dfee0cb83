// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// An unknown #mix.direction value: the enum parser names the legal values at
// the bad one, then the attribute parser reports the failed parameter.
// CHECK: [[FILE]]:[[@LINE+4]]:74: error: expected ::mixc::mix::ScanDirection to be one of: forward, reverse, bidirectional
// CHECK: [[FILE]]:[[@LINE+3]]:82: error: failed to parse Mix_ScanDirectionAttr parameter 'value' which is to be a `::mixc::mix::ScanDirection`

func.func @unknown_direction(%x: tensor<1x8x16xf32>, %A: tensor<8x4xf32>, %B: tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32> {
  %y = mix.selective_scan %x, %x, %A, %B, %B {direction = #mix.direction<sideways>} : (tensor<1x8x16xf32>, tensor<1x8x16xf32>, tensor<8x4xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>) -> tensor<1x8x16xf32>
  return %y : tensor<1x8x16xf32>
}
