// --mix-assign-schedules: the tuning database's fastest schedule for the op's
// task, else the cost model's pick from the op's spaces, else the default.
// The database here is the 102 measured schedules of one task of the
// committed H100 data, both templates (fastest: attention.wgmma block_m 64,
// block_n 128, 1 warpgroup, 2 stages, tma 0, 0.0379 ms; attention.mma_sync's
// fastest: block_m 128, block_n 64, warps 4, stages 2, 0.0440 ms).

// RUN: grep -h -E '"dataset_case":"attn-(wgmma-)?d64-L512-full/' %S/../../costmodel/data/h100/2026-12-05.jsonl %S/../../costmodel/data/h100/2026-12-06.jsonl > %t.db
// RUN: mixc-opt --mix-assign-schedules="db=%t.db" %s | FileCheck %s --check-prefix=DB
// RUN: mixc-opt --mix-assign-schedules="db=%t.db chip=sm_80" %s | FileCheck %s --check-prefix=SM80
// RUN: mixc-costmodel train %t.db -o %t.model.json --rounds 20 --threads 1 | FileCheck %s --check-prefix=TRAIN
// RUN: mixc-opt --mix-assign-schedules="model=%t.model.json" %s | FileCheck %s --check-prefix=MODEL
// RUN: mixc-opt --mix-assign-schedules %s | FileCheck %s --check-prefix=DEFAULT
// RUN: mixc-opt --mix-assign-schedules="db=%t.db overwrite=true" %s | FileCheck %s --check-prefix=OVERWRITE
// RUN: %expect-exit 1 mixc-opt --mix-assign-schedules="db=%t.missing" %s 2>&1 | FileCheck %s --check-prefix=MISSING
// mixc --tuning-db compiles the ops with the database's schedules.
// RUN: rm -rf %t.out && mixc %s -o %t.out --tuning-db %t.db > /dev/null
// RUN: FileCheck %s --check-prefix=MANIFEST < %t.out/attention_0.json
// RUN: echo '{"not": "a model"}' > %t.bad.json
// RUN: %expect-exit 1 mixc-opt --mix-assign-schedules="model=%t.bad.json" %s 2>&1 | FileCheck %s --check-prefix=BADMODEL

// DB-LABEL: func.func @measured
// DB: mix.attention {{.*}}mix.schedule_source = "db", schedule = #mix.schedule<attention.wgmma, {block_m = 64, block_n = 128, consumer_warpgroups = 1, stages = 2, tma = 0, warp_specialize = 0}>
// DB-LABEL: func.func @unmeasured
// DB: mix.attention {{.*}}mix.schedule_source = "default", schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 128, consumer_warpgroups = 2, stages = 2, tma = 1, warp_specialize = 0}>
// DB-LABEL: func.func @scheduled
// DB: mix.attention {{.*}}schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 32, stages = 1, warps = 4}>
// DB-NOT: schedule_source

// Without wgmma (sm_80): the database's fastest mma_sync schedule, and
// attention.mma_sync's defaults.
// SM80-LABEL: func.func @measured
// SM80: mix.schedule_source = "db", schedule = #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 64, stages = 2, warps = 4}>
// SM80-LABEL: func.func @unmeasured
// SM80: mix.schedule_source = "default", schedule = #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 64, stages = 2, warps = 8}>

// TRAIN: rank (static features; 102 rows of 1 tasks, 20 rounds)

// The model ranks the schedules of both templates together.
// MODEL-LABEL: func.func @measured
// MODEL: mix.schedule_source = "model", schedule = #mix.schedule<attention.
// MODEL-LABEL: func.func @unmeasured
// MODEL: mix.schedule_source = "model", schedule = #mix.schedule<attention.

// DEFAULT-LABEL: func.func @measured
// DEFAULT: mix.schedule_source = "default", schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 128, consumer_warpgroups = 2, stages = 2, tma = 1, warp_specialize = 0}>

// OVERWRITE-LABEL: func.func @scheduled
// OVERWRITE: mix.schedule_source = "db", schedule = #mix.schedule<attention.wgmma, {block_m = 64, block_n = 128, consumer_warpgroups = 1, stages = 2, tma = 0, warp_specialize = 0}>

// MANIFEST: "schedule": {
// MANIFEST-NEXT: "params": {
// MANIFEST-NEXT: "block_m": 64,
// MANIFEST-NEXT: "block_n": 128,

// MISSING: error: mix-assign-schedules: cannot read '{{.*}}.missing'
// BADMODEL: error: mix-assign-schedules: {{.*}}bad.json: not a mixc cost model

func.func @measured(%q: tensor<16x8x512x64xbf16>, %k: tensor<16x8x512x64xbf16>, %v: tensor<16x8x512x64xbf16>) -> tensor<16x8x512x64xbf16> {
  %o = mix.attention %q, %k, %v : (tensor<16x8x512x64xbf16>, tensor<16x8x512x64xbf16>, tensor<16x8x512x64xbf16>) -> tensor<16x8x512x64xbf16>
  return %o : tensor<16x8x512x64xbf16>
}

// Another length: another task, not in the database.
func.func @unmeasured(%q: tensor<16x8x640x64xbf16>, %k: tensor<16x8x640x64xbf16>, %v: tensor<16x8x640x64xbf16>) -> tensor<16x8x640x64xbf16> {
  %o = mix.attention %q, %k, %v : (tensor<16x8x640x64xbf16>, tensor<16x8x640x64xbf16>, tensor<16x8x640x64xbf16>) -> tensor<16x8x640x64xbf16>
  return %o : tensor<16x8x640x64xbf16>
}

// A schedule given by the user stays unless overwrite=true.
func.func @scheduled(%q: tensor<16x8x512x64xbf16>, %k: tensor<16x8x512x64xbf16>, %v: tensor<16x8x512x64xbf16>) -> tensor<16x8x512x64xbf16> {
  %o = mix.attention %q, %k, %v {schedule = #mix.schedule<attention.mma_sync, {block_m = 64, block_n = 32, warps = 4, stages = 1}>} : (tensor<16x8x512x64xbf16>, tensor<16x8x512x64xbf16>, tensor<16x8x512x64xbf16>) -> tensor<16x8x512x64xbf16>
  return %o : tensor<16x8x512x64xbf16>
}
