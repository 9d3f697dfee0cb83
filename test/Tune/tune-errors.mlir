// mixc-tune on bad input: a clear error naming the place, exit status 1.

// RUN: %expect-exit 1 mixc-tune %s --db %t.db 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: tune-errors.mlir:[[@LINE+13]]:8: error: mixc-tune: tuning needs static sizes, and operand #0 is tensor<1x4x?x64xbf16>

// RUN: %expect-exit 1 mixc-tune %S/../BadInput/module-without-mix-ops.mlir --db %t.db 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: mixc-tune: no mix op to tune in {{.*}}module-without-mix-ops.mlir

// RUN: echo '{"schema_version": "mixc-features-0", "task": "t"}' > %t.old.jsonl
// RUN: %expect-exit 1 mixc-tune %S/tune-local.mlir --db %t.db --data %t.old.jsonl 2>&1 | FileCheck %s --check-prefix=SCHEMA
// SCHEMA: mixc-tune: {{.*}}old.jsonl:1: feature schema 'mixc-features-0'; this build reads 'mixc-features-4'

// RUN: %expect-exit 1 mixc-tune %S/tune-local.mlir --db %t.db --measure elsewhere 2>&1 | FileCheck %s --check-prefix=MEASURE
// MEASURE: mixc-tune: --measure must be local, batch:DIR or replay:FILE, not 'elsewhere'

func.func @dynamic(%q: tensor<1x4x?x64xbf16>, %k: tensor<1x4x?x64xbf16>, %v: tensor<1x4x?x64xbf16>) -> tensor<1x4x?x64xbf16> {
  %o = mix.attention %q, %k, %v {causal} : (tensor<1x4x?x64xbf16>, tensor<1x4x?x64xbf16>, tensor<1x4x?x64xbf16>) -> tensor<1x4x?x64xbf16>
  return %o : tensor<1x4x?x64xbf16>
}
