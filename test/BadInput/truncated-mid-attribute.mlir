// RUN: %expect-exit 1 mixc-opt %s 2> %t.err
// RUN: FileCheck %s -DFILE=%s --implicit-check-not=error: < %t.err

// The file ends inside an op's attribute dictionary, within a #mix.schedule.
// CHECK: [[FILE]]:[[@LINE+3]]:58: error: unbalanced '{' character in pretty dialect name

func.func @truncated_mid_attribute(%q: tensor<1x2x16x32xf16>) -> tensor<1x2x16x32xf16> {
  %o = mix.attention %q, %q, %q {schedule = #mix.schedule<attention.mma_sync, {block_m = 64