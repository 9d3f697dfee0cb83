// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// A schedule template for another op: reported at the op.
// CHECK: [[FILE]]:[[@LINE+3]]:8: error: 'mix.monarch' op schedule template 'ssd.chunked' lowers 'mix.ssd', not 'mix.monarch' (templates for 'mix.monarch': monarch.fused)

func.func @schedule_wrong_op(%x: tensor<4x256xf16>, %f: tensor<16x16x16xf16>) -> tensor<4x256xf16> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<ssd.chunked, {}>} : (tensor<4x256xf16>, tensor<16x16x16xf16>, tensor<16x16x16xf16>) -> tensor<4x256xf16>
  return %y : tensor<4x256xf16>
}
