// The PTX that monarch.fused promises with tma = 1: bulk copies of the
// tensor memory accelerator counted on per-slot mbarriers, no cp.async; a
// cubin that ptxas accepts for sm_90a.
// RUN: mixc-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// PTX: .target sm_90a
// PTX: .entry monarch_0(
// PTX-NOT: cp.async.cg
// PTX-NOT: cp.async.commit_group
// PTX-DAG: mbarrier.init.shared::cta.b64
// PTX-DAG: fence.mbarrier_init.release.cluster;
// PTX-DAG: mbarrier.expect_tx.relaxed.cta.shared::cta.b64
// PTX-DAG: mbarrier.arrive.expect_tx.shared::cta.b64
// PTX-DAG: cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%r{{[0-9]+}}], [%rd{{[0-9]+}}], %r{{[0-9]+}}, [%r{{[0-9]+}}];
// PTX-DAG: mbarrier.try_wait.parity.shared::cta.b64
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-DAG: st.global.v4.b32

// RUN: rm -rf %t && mixc %s -o %t | FileCheck %s --check-prefix=LOG
// LOG: monarch_0: mix_kernels.cubin, {{[0-9]+}} B shared, {{[0-9]+}} registers, 0 B spilled

// Both factors resident, no cluster, one stage, f16, f32 results.
func.func @monarch(%x: tensor<?x1024xf16>, %f: tensor<32x32x32xf16>, %g: tensor<32x32x32xf16>) -> tensor<?x1024xf32> {
  %y = mix.monarch %x, %f, %g {schedule = #mix.schedule<monarch.fused, {block_tokens = 16, cluster = 1, stages = 1, tiles = 4, resident_factors = 1, tma = 1}>} : (tensor<?x1024xf16>, tensor<32x32x32xf16>, tensor<32x32x32xf16>) -> tensor<?x1024xf32>
  return %y : tensor<?x1024xf32>
}
