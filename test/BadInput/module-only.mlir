// RUN: %expect-exit 0 mixc-opt %s 2> %t.err | FileCheck %s
// RUN: count 0 < %t.err
// RUN: %expect-exit 0 mixc-opt %s -mlir-print-op-generic 2> %t.generic.err | mixc-opt | FileCheck %s
// RUN: count 0 < %t.generic.err

// A file with only an (empty) module parses fine, with exit status 0.

// CHECK:      module {
// CHECK-NEXT: }
// CHECK-NOT:  {{.}}

module {
}
