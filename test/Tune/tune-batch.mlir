// mixc-tune --measure batch:DIR: a round compiles candidates into DIR for a
// GPU machine (ptxas runs here); the next run ingests DIR/results.jsonl
// (written there by bench/measure_dataset.py; faked here), appends one
// database record per candidate with its ptxas numbers, and compiles the
// next round.

// RUN: rm -rf %t.dir %t.db
// RUN: mixc-tune %s --db %t.db --trials 3 --batch-size 2 --measure batch:%t.dir 2>&1 | FileCheck %s --check-prefix=ROUND1
// RUN: %python -c "import sys; assert len(open(sys.argv[1]).readlines()) == 2" %t.dir/index.jsonl
// RUN: %python %S/fake-results.py %t.dir
// RUN: mixc-tune %s --db %t.db --trials 3 --batch-size 2 --measure batch:%t.dir 2>&1 | FileCheck %s --check-prefix=ROUND2
// RUN: %python %S/check-db.py %t.db 2
// RUN: FileCheck %s --check-prefix=RECORDS < %t.db

// ROUND1: mixc-tune: 1 op(s), 3 trials each; model: roofline (no model or data yet)
// ROUND1: mixc-tune: 2 candidates wait in {{.*}}.dir for a GPU machine. There run
// ROUND1-NEXT: bench/measure_dataset.py {{.*}}.dir {{.*}}.dir/results.jsonl -- --warmup 3 --iters 10 --check=sample

// ROUND2: mixc-tune: ingested 2 measurements from {{.*}}results.jsonl
// ROUND2: monarch_0 |{{#+-+}}| 2/3  best 1.0000 ms
// ROUND2: mixc-tune: 1 candidates wait in

// RECORDS: "status":"PASS","time_ms":1,"message":"","device":"fake GPU"{{.*}}"trial":1,"measure":"batch"
// RECORDS: "status":"FAIL","time_ms":1.25,{{.*}}"trial":2,"measure":"batch"

func.func @f(%x: tensor<64x1024xbf16>, %w1: tensor<32x32x32xbf16>, %w2: tensor<32x32x32xbf16>) -> tensor<64x1024xbf16> {
  %y = mix.monarch %x, %w1, %w2 : (tensor<64x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<64x1024xbf16>
  return %y : tensor<64x1024xbf16>
}
