// The PTX that the attention.wgmma schedule promises, with tma = 0: cp.async
// into 128-byte-swizzled tiles, the proxy fence before the MMAs read them,
// wgmma.mma_async with both operands in shared memory (S = Q K^T) and with A
// in registers (O += P V, B transposed), and one block per SM with its size
// known to ptxas.
// RUN: mixc-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// PTX: .entry attention_0(
// PTX: .maxntid 256, 1, 1
// PTX-DAG: cp.async.cg.shared.global
// PTX-DAG: fence.proxy.async.shared::cta;
// PTX-DAG: wgmma.fence.sync.aligned;
// PTX-DAG: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{.*}}, %rd{{[0-9]+}}, %rd{{[0-9]+}}, overwrite, 1, 1, 0, 0;
// PTX-DAG: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{.*}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, add, 1, 1, 1;
// PTX-DAG: wgmma.commit_group.sync.aligned;
// PTX-DAG: wgmma.wait_group.sync.aligned 0;
// PTX-NOT: mma.sync
// PTX-NOT: ldmatrix

// ptxas accepts it; the manifest asks for the plan plus 1023 bytes of slack
// to align the swizzled tiles (Q 32 KiB + 2 stages of K and V, 32 KiB each;
// the second kernel adds two 8-byte mbarriers per stage).
// RUN: rm -rf %t && mixc %s -o %t | FileCheck %s --check-prefix=LOG
// LOG: attention_0: mix_kernels.cubin, 164863 B shared
// LOG: attention_1: mix_kernels.cubin, 99375 B shared
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/attention_0.json
// MANIFEST: "template": "attention.wgmma"

// A second schedule (the second kernel): three warpgroups, 96-key tiles,
// head dim 64 and f16, causal, three stages, so the next tile's S = Q K^T
// overlaps this tile's softmax, and K/V by TMA (the default): two 128-byte
// tensor-map parameters, thread 0 waiting for the slot's release (the
// "empty" mbarrier, one arrival per warp after its products), arming the
// slot's "full" mbarrier and issuing one 3-D box ([1, 96, 64] of the
// (batch, kv head) plane) per panel of K and V, every thread waiting on the
// full phase; Q still by cp.async, waited for whole in the prologue.
// RUN: mixc-translate --emit-ptx %s | FileCheck %s --check-prefix=SMALL
// SMALL: .entry attention_1(
// SMALL: .param .align 64 .b8 attention_1_param_{{[0-9]+}}[128],
// SMALL-NEXT: .param .align 64 .b8 attention_1_param_{{[0-9]+}}[128]
// SMALL: .maxntid 384, 1, 1
// SMALL-DAG: wgmma.mma_async.sync.aligned.m64n96k16.f32.f16.f16 {{.*}}, overwrite, 1, 1, 0, 0;
// SMALL-DAG: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {{.*}}, add, 1, 1, 1;
// SMALL-DAG: mbarrier.init.shared::cta.b64
// SMALL-DAG: mbarrier.arrive.expect_tx.shared::cta.b64
// SMALL-DAG: cp.async.bulk.tensor.3d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [%r{{[0-9]+}}], [%rd{{[0-9]+}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}], [%r{{[0-9]+}}];
// SMALL-DAG: mbarrier.try_wait.parity.shared::cta.b64
// SMALL-DAG: mbarrier.arrive.shared::cta.b64 _, [%r{{[0-9]+}}];
// SMALL-DAG: cp.async.wait_group{{[[:space:]]+}}0;
// SMALL-NOT: cp.async.wait_group{{[[:space:]]+}}1;
// RUN: FileCheck %s --check-prefix=MANIFEST1 < %t/attention_1.json
// MANIFEST1: "schema_version": 2,
// MANIFEST1: "tensor_maps": [
// MANIFEST1-NEXT: {
// MANIFEST1-NEXT: "arg": 1,
// MANIFEST1-NEXT: "box": [
// MANIFEST1-NEXT: 1,
// MANIFEST1-NEXT: 96,
// MANIFEST1-NEXT: 64
// MANIFEST1-NEXT: ],
// MANIFEST1-NEXT: "swizzle": 128

func.func @full(%q: tensor<2x4x1000x128xbf16>, %k: tensor<2x4x1000x128xbf16>, %v: tensor<2x4x1000x128xbf16>) -> tensor<2x4x1000x128xbf16> {
  %o = mix.attention %q, %k, %v {schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 128, consumer_warpgroups = 2, stages = 2, tma = 0}>} : (tensor<2x4x1000x128xbf16>, tensor<2x4x1000x128xbf16>, tensor<2x4x1000x128xbf16>) -> tensor<2x4x1000x128xbf16>
  return %o : tensor<2x4x1000x128xbf16>
}

func.func @causal(%q: tensor<1x2x300x64xf16>, %k: tensor<1x2x300x64xf16>, %v: tensor<1x2x300x64xf16>) -> tensor<1x2x300x64xf16> {
  %o = mix.attention %q, %k, %v {causal, schedule = #mix.schedule<attention.wgmma, {block_m = 192, block_n = 96, consumer_warpgroups = 3, stages = 3}>} : (tensor<1x2x300x64xf16>, tensor<1x2x300x64xf16>, tensor<1x2x300x64xf16>) -> tensor<1x2x300x64xf16>
  return %o : tensor<1x2x300x64xf16>
}
