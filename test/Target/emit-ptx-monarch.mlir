// The PTX that the monarch.fused default schedule promises, and a cubin that
// ptxas accepts for sm_90a with its launch manifest beside it.
// RUN: mixc-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// PTX: .target sm_90a
// PTX: .entry monarch_0(
// A cluster of two blocks, fixed at compile time (so a plain launch works).
// PTX: .explicitcluster
// PTX-NEXT: .reqnctapercluster 2, 1, 1
// PTX-DAG: .shared .align 16 .b8 __dynamic_shmem__0;
// PTX-DAG: cp.async.cg.shared.global [%r{{[0-9]+}}{{(\+[0-9]+)?}}], [%rd{{[0-9]+}}], 16;
// PTX-DAG: cp.async.cg.shared.global [%r{{[0-9]+}}{{(\+[0-9]+)?}}], [%rd{{[0-9]+}}], 16, %r{{[0-9]+}};
// PTX-DAG: cp.async.commit_group;
// PTX-DAG: cp.async.wait_group{{[[:space:]]+}}0;
// PTX-DAG: mbarrier.init.shared::cta.b64
// PTX-DAG: fence.mbarrier_init.release.cluster;
// PTX-DAG: barrier.cluster.arrive.aligned;
// PTX-DAG: barrier.cluster.arrive.relaxed.aligned;
// PTX-DAG: barrier.cluster.wait.aligned;
// PTX-DAG: mbarrier.arrive.expect_tx.shared::cta.b64
// PTX-DAG: mbarrier.try_wait.parity.shared::cta.b64
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-DAG: mapa.shared::cluster.u32 remote,
// PTX-DAG: shfl.sync.bfly.b32
// PTX-DAG: mapa.shared::cluster.u32 bar,
// PTX-DAG: st.async.shared::cluster.mbarrier::complete_tx::bytes.v4.b32 [remote], {{.*}}, [bar];
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX-DAG: st.global.v4.b32

// RUN: rm -rf %t && mixc %s -o %t | FileCheck %s --check-prefix=LOG
// LOG: monarch_0: mix_kernels.cubin, 124296 B shared, {{[0-9]+}} registers, 0 B spilled
// RUN: test -s %t/mix_kernels.cubin && FileCheck %s --check-prefix=MANIFEST < %t/monarch_0.json
// MANIFEST: "abi": "memref",
// MANIFEST: "arch": "sm_90a",
// MANIFEST: "name": "input",
// MANIFEST: "name": "first_factor",
// MANIFEST: "name": "second_factor",
// MANIFEST: "name": "result",
// MANIFEST-NEXT: "role": "output",
// MANIFEST: "block": [
// MANIFEST-NEXT: 256,
// MANIFEST: "grid": [
// MANIFEST-NEXT: [
// MANIFEST-NEXT: {
// MANIFEST-NEXT: "const": 2
// MANIFEST: "arg": 0,
// MANIFEST-NEXT: "ceildiv": 128,
// MANIFEST-NEXT: "dim": 0
// MANIFEST: "kernel": "monarch_0",
// MANIFEST: "op": "mix.monarch",
// MANIFEST: "template": "monarch.fused"
// MANIFEST: "shared_bytes": 124296

func.func @monarch(%x: tensor<?x1024xbf16>, %f: tensor<32x32x32xbf16>, %g: tensor<32x32x32xbf16>) -> tensor<?x1024xbf16> {
  %y = mix.monarch %x, %f, %g : (tensor<?x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>) -> tensor<?x1024xbf16>
  return %y : tensor<?x1024xbf16>
}
