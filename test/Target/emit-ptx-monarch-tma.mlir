// monarch.fused with TMA boxes: the tensor maps are 128-byte by-value
// parameters whose address the kernel takes (__grid_constant__: no local
// copy), the boxes come by cp.async.bulk.tensor counted on mbarriers, and
// the manifest (schema 2) tells the runtime what maps to encode.
// RUN: mixc-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// PTX: .entry monarch_0(
// PTX: .param .align 64 .b8 monarch_0_param_32[128],
// PTX-NEXT: .param .align 64 .b8 monarch_0_param_33[128]
// PTX-NEXT: )
// PTX-DAG: cvta.param.u64 %rd{{[0-9]+}}, %rd{{[0-9]+}};
// PTX-DAG: mbarrier.arrive.expect_tx.shared::cta.b64
// PTX-DAG: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [%r{{[0-9]+}}], [%rd{{[0-9]+}}, {%r{{[0-9]+}}, %r{{[0-9]+}}}], [%r{{[0-9]+}}];
// PTX-DAG: mbarrier.try_wait.parity.shared::cta.b64
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-DAG: cp.async.cg.shared.global

// RUN: rm -rf %t && mixc %s -o %t | FileCheck %s --check-prefix=LOG
// LOG: monarch_0: mix_kernels.cubin, 189624 B shared, {{[0-9]+}} registers, 0 B spilled
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/monarch_0.json
// MANIFEST: "schema_version": 2,
// MANIFEST: "tensor_maps": [
// MANIFEST-NEXT: {
// MANIFEST-NEXT: "arg": 0,
// MANIFEST-NEXT: "box": [
// MANIFEST-NEXT: 64,
// MANIFEST-NEXT: 64
// MANIFEST-NEXT: ],
// MANIFEST-NEXT: "swizzle": 128
// MANIFEST-NEXT: },
// MANIFEST-NEXT: {
// MANIFEST-NEXT: "arg": 1,

func.func @monarch(%x: tensor<16384x4096xbf16>, %f: tensor<64x64x64xbf16>) -> tensor<16384x4096xbf16> {
  %y = mix.monarch %x, %f, %f {schedule = #mix.schedule<monarch.fused, {block_tokens = 64, cluster = 8, stages = 3, tiles = 2, resident_factors = 2, tma = 1}>} : (tensor<16384x4096xbf16>, tensor<64x64x64xbf16>, tensor<64x64x64xbf16>) -> tensor<16384x4096xbf16>
  return %y : tensor<16384x4096xbf16>
}
