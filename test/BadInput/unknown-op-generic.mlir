// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// An unknown mix op in the generic form.
// CHECK: [[FILE]]:[[@LINE+3]]:8: error: unregistered operation 'mix.flash_attention' found in dialect ('mix') that does not allow unknown operations

func.func @unknown_op_generic(%q: tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16> {
  %o = "mix.flash_attention"(%q, %q, %q) : (tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>, tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16>
  return %o : tensor<1x2x16x32xf16>
}
