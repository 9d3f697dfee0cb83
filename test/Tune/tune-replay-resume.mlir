// mixc-tune against recorded H100 measurements (--measure replay): every
// trial is one database line, flushed before the next; a run killed in the
// middle of a line resumes without measuring a schedule twice. The tuned
// task is left out of the training data (--exclude-tuned-tasks), so the
// model ranks a shape it has not seen.

// RUN: rm -f %t.db
// RUN: mixc-tune %s --db %t.db --trials 6 --batch-size 3 --seed 1 \
// RUN:   --measure replay:%S/../../costmodel/data/h100/2026-12-04.jsonl \
// RUN:   --data %S/../../costmodel/data/h100/2026-12-04.jsonl --exclude-tuned-tasks \
// RUN:   2>%t.log1 | FileCheck %s --check-prefix=FIRST
// RUN: FileCheck %s --check-prefix=PROGRESS < %t.log1
// RUN: %python -c "import sys; lines = open(sys.argv[1]).read().splitlines(); assert len(lines) == 6, len(lines)" %t.db

// A kill in the middle of writing trial 7: its line is cut short.
// RUN: %python -c "import sys, json; p = sys.argv[1]; t = open(p).read(); r = t.splitlines()[0]; open(p, 'a').write(r[:len(r) // 2])" %t.db
// RUN: mixc-tune %s --db %t.db --trials 10 --batch-size 3 --seed 2 \
// RUN:   --measure replay:%S/../../costmodel/data/h100/2026-12-04.jsonl \
// RUN:   --data %S/../../costmodel/data/h100/2026-12-04.jsonl --exclude-tuned-tasks \
// RUN:   2>%t.log2 | FileCheck %s --check-prefix=RESUMED
// RUN: FileCheck %s --check-prefix=REPAIRED < %t.log2
// RUN: %python %S/check-db.py %t.db 10

// FIRST: ssd_0 (mix.ssd b=4 l=1024 h=8 p=64 g=1 n=64 bf16/bf16/bf16/dt:f32->bf16 skip): best {{[0-9.]+}} ms, #mix.schedule<ssd.chunked, {chunk_size={{[0-9]+}}, block_p={{[0-9]+}}, warps={{[0-9]+}}, stages={{[0-9]+}}}> in 6 trials; best known 0.0201 ms
// PROGRESS: mixc-tune: 1 op(s), 6 trials each; model: rank (static features; {{[0-9]+}} rows of {{[0-9]+}} tasks, 200 rounds)
// PROGRESS: [1/1] ssd_0 |{{#+-*}}| 3/6
// PROGRESS: [1/1] ssd_0 |{{#+}}| 6/6  best
// REPAIRED: dropped a truncated last record (a killed run)
// RESUMED: in 10 trials; best known 0.0201 ms

func.func @f(%x: tensor<4x1024x8x64xbf16>, %dt: tensor<4x1024x8xf32>, %a: tensor<8xf32>, %b: tensor<4x1024x1x64xbf16>, %c: tensor<4x1024x1x64xbf16>, %d: tensor<8xf32>) -> tensor<4x1024x8x64xbf16> {
  %y = mix.ssd %x, %dt, %a, %b, %c skip(%d) : (tensor<4x1024x8x64xbf16>, tensor<4x1024x8xf32>, tensor<8xf32>, tensor<4x1024x1x64xbf16>, tensor<4x1024x1x64xbf16>, tensor<8xf32>) -> tensor<4x1024x8x64xbf16>
  return %y : tensor<4x1024x8x64xbf16>
}
