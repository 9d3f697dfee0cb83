// RUN: %expect-exit 0 mixc-opt %s 2> %t.err | FileCheck %s
// RUN: count 0 < %t.err
// RUN: %expect-exit 0 mixc-opt /dev/null 2> %t.null.err | FileCheck %s
// RUN: count 0 < %t.null.err
// RUN: %expect-exit 0 mixc-opt -split-input-file %s 2> %t.split.err | FileCheck %s
// RUN: count 0 < %t.split.err

// A file with nothing but comments, and a truly empty input (/dev/null),
// parse fine: an empty module, no diagnostics, exit status 0.

// CHECK:      module {
// CHECK-NEXT: }
// CHECK-NOT:  {{.}}
