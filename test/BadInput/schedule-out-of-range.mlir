// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// A schedule parameter outside its legal values: reported at the attribute.
// CHECK: [[FILE]]:[[@LINE+3]]:58: error: parameter 'block_m' of kernel template 'attention.mma_sync' is 96, must be one of 64, 128

func.func @schedule_out_of_range(%q: tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16> {
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 96, block_n = 64}>} : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return %o : tensor<1x2x64x64xf16>
}
