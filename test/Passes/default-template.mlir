// The template an attention without a schedule lowers with: attention.wgmma
// on sm_90a where it was measured faster (f16/bf16, head dims 64 and 128;
// bench/results/2026-12-05-h100-wgmma-resident), else attention.mma_sync.
// RUN: mixc-opt %s --convert-mix-to-gpu | FileCheck %s --check-prefix=HOPPER
// RUN: mixc-opt %s --convert-mix-to-gpu="chip=sm_80" | FileCheck %s --check-prefix=SM80
// An explicit wgmma schedule on a chip without wgmma: an error at the op.
// RUN: sed 's/attention.mma_sync, {}/attention.wgmma, {}/' %s > %t.wgmma.mlir
// RUN: %expect-exit 1 mixc-opt %t.wgmma.mlir --convert-mix-to-gpu="chip=sm_80" 2>&1 | FileCheck %s --check-prefix=NOWGMMA

// HOPPER: gpu.func @attention_0({{.*}}schedule = #mix.schedule<attention.wgmma, {}>
// HOPPER: gpu.func @attention_1({{.*}}schedule = #mix.schedule<attention.wgmma, {}>
// HOPPER: gpu.func @attention_2({{.*}}schedule = #mix.schedule<attention.mma_sync, {}>
// HOPPER: gpu.func @attention_3({{.*}}schedule = #mix.schedule<attention.mma_sync, {}>
// SM80: gpu.func @attention_0({{.*}}schedule = #mix.schedule<attention.mma_sync, {}>
// SM80: gpu.func @attention_1({{.*}}schedule = #mix.schedule<attention.mma_sync, {}>
// NOWGMMA: default-template.mlir.tmp.wgmma.mlir:{{[0-9]+}}:8: error: 'mix.attention' op schedule template 'attention.wgmma' runs only on sm_90a, not chip 'sm_80'; templates for this op: attention.mma_sync, attention.wgmma

func.func @hd128_bf16(%q: tensor<1x4x300x128xbf16>, %k: tensor<1x2x300x128xbf16>, %v: tensor<1x2x300x128xbf16>) -> tensor<1x4x300x128xbf16> {
  %o = mix.attention %q, %k, %v {causal} : (tensor<1x4x300x128xbf16>, tensor<1x2x300x128xbf16>, tensor<1x2x300x128xbf16>) -> tensor<1x4x300x128xbf16>
  return %o : tensor<1x4x300x128xbf16>
}

func.func @hd64_f16_dynamic(%q: tensor<2x2x?x64xf16>, %k: tensor<2x2x?x64xf16>, %v: tensor<2x2x?x64xf16>) -> tensor<2x2x?x64xf16> {
  %o = mix.attention %q, %k, %v : (tensor<2x2x?x64xf16>, tensor<2x2x?x64xf16>, tensor<2x2x?x64xf16>) -> tensor<2x2x?x64xf16>
  return %o : tensor<2x2x?x64xf16>
}

// Head dim 32: not wgmma's (its tiles are 64 columns wide).
func.func @hd32(%q: tensor<1x2x256x32xbf16>, %k: tensor<1x2x256x32xbf16>, %v: tensor<1x2x256x32xbf16>) -> tensor<1x2x256x32xbf16> {
  %o = mix.attention %q, %k, %v : (tensor<1x2x256x32xbf16>, tensor<1x2x256x32xbf16>, tensor<1x2x256x32xbf16>) -> tensor<1x2x256x32xbf16>
  return %o : tensor<1x2x256x32xbf16>
}

// A schedule given by the user is kept.
func.func @explicit(%q: tensor<1x2x256x64xbf16>, %k: tensor<1x2x256x64xbf16>, %v: tensor<1x2x256x64xbf16>) -> tensor<1x2x256x64xbf16> {
  %o = mix.attention %q, %k, %v {schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<1x2x256x64xbf16>, tensor<1x2x256x64xbf16>, tensor<1x2x256x64xbf16>) -> tensor<1x2x256x64xbf16>
  return %o : tensor<1x2x256x64xbf16>
}
