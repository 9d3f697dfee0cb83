// mixc-tune --measure local: each candidate is compiled by mixc and run by
// mixc-bench in a child process (a stand-in here, fake-bench.py, as this
// machine has no GPU). A candidate that hangs is killed after --timeout and
// one that crashes is recorded: each costs one trial, not the run. The
// template is attention.mma_sync, whose block_n 32 and 64 the stand-in
// turns into a hang and a crash.

// RUN: rm -rf %t.db %t.kernels
// RUN: mixc-tune %s --template attention.mma_sync --db %t.db --work %t.kernels --trials 12 --batch-size 6 --epsilon 0 \
// RUN:   --timeout 2 --bench %S/fake-bench.py 2>&1 | FileCheck %s
// RUN: %python %S/check-db.py %t.db 12
// RUN: FileCheck %s --check-prefix=RECORDS < %t.db

// CHECK: mixc-tune: 1 op(s), 12 trials each; model: roofline
// CHECK: attention_0 |{{#+}}| 12/12  best {{[0-9.]+}} ms
// CHECK: attention_0 (mix.attention b=1 hq=4 hkv=4 lq=1024 lk=1024 d=64 dv=64 bf16/bf16->2B causal): best

// Every outcome is a record: timed out, crashed (no result line), passed.
// RECORDS-DAG: "block_n":32{{.*}}"status":"TIMEOUT","message":"mixc-bench: Child timed out
// RECORDS-DAG: "block_n":64{{.*}}"status":"ERROR","message":"mixc-bench: Aborted
// RECORDS-DAG: "status":"PASS"

func.func @f(%q: tensor<1x4x1024x64xbf16>, %k: tensor<1x4x1024x64xbf16>, %v: tensor<1x4x1024x64xbf16>) -> tensor<1x4x1024x64xbf16> {
  %o = mix.attention %q, %k, %v {causal} : (tensor<1x4x1024x64xbf16>, tensor<1x4x1024x64xbf16>, tensor<1x4x1024x64xbf16>) -> tensor<1x4x1024x64xbf16>
  return %o : tensor<1x4x1024x64xbf16>
}
