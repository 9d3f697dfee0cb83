// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// An op the mix dialect does not define.
// CHECK: [[FILE]]:[[@LINE+3]]:8: error: custom op 'mix.flash_attention' is unknown

func.func @unknown_op(%q: tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16> {
  %o = mix.flash_attention %q, %q, %q : (tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16>
  return %o : tensor<1x2x16x32xf16>
}
