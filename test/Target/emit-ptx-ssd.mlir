// The PTX that the ssd.chunked schedule promises, and a cubin that ptxas
// accepts for sm_90a with its launch manifest beside it. Batch 1 x 8 heads
// leaves the GPU idle, so the sequence is cut into 16 segments: the ticket
// atomic, the release flag and the acquire wait are in the PTX, the workspace
// and the 16-block grid in the manifest.
// RUN: mixc-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// PTX: .target sm_90a
// PTX: .entry ssd_0(
// PTX-DAG: cp.async.cg.shared.global [%r{{[0-9]+}}{{(\+[0-9]+)?}}], [%rd{{[0-9]+}}], 16, {{16|%r[0-9]+}};
// PTX-DAG: cp.async.ca.shared.global [%r{{[0-9]+}}{{(\+[0-9]+)?}}], [%rd{{[0-9]+}}], 4, {{4|%r[0-9]+}};
// PTX-DAG: shfl.sync.up.b32
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-DAG: ex2.approx.ftz.f32
// PTX-DAG: atom.relaxed.gpu.global.add.u32
// PTX-DAG: fence.acq_rel.gpu;
// PTX-DAG: st.relaxed.gpu.global.u32
// PTX-DAG: ld.acquire.gpu.global.u32
// PTX-DAG: ld.global.cg.f32

// RUN: rm -rf %t && mixc %s -o %t | FileCheck %s --check-prefix=LOG
// LOG: ssd_0: mix_kernels.cubin, 117264 B shared, {{[0-9]+}} registers, 0 B spilled
// RUN: test -s %t/mix_kernels.cubin && FileCheck %s --check-prefix=MANIFEST < %t/ssd_0.json
// MANIFEST: "name": "x",
// MANIFEST: "name": "dt",
// MANIFEST: "name": "y",
// MANIFEST-NEXT: "role": "output",
// MANIFEST: "dt_softplus": false
// MANIFEST: "grid": [
// MANIFEST-NEXT: [
// MANIFEST-NEXT: {
// MANIFEST-NEXT: "const": 16
// MANIFEST: "kernel": "ssd_0",
// MANIFEST: "op": "mix.ssd",
// MANIFEST: "template": "ssd.chunked"
// MANIFEST: "workspace": {
// MANIFEST-NEXT: "bytes": 3933312,
// MANIFEST-NEXT: "times": [
// MANIFEST-NEXT: {
// MANIFEST-NEXT: "arg": 0,

func.func @ssd(%x: tensor<1x?x8x64xbf16>, %dt: tensor<1x?x8xf32>, %a: tensor<8xf32>, %b: tensor<1x?x1x128xbf16>, %d: tensor<8xf32>) -> tensor<1x?x8x64xbf16> {
  %y = mix.ssd %x, %dt, %a, %b, %b skip(%d) : (tensor<1x?x8x64xbf16>, tensor<1x?x8xf32>, tensor<8xf32>, tensor<1x?x1x128xbf16>, tensor<1x?x1x128xbf16>, tensor<8xf32>) -> tensor<1x?x8x64xbf16>
  return %y : tensor<1x?x8x64xbf16>
}
