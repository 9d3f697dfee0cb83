// The PTX that the attention.mma_sync schedule (its default parameters)
// promises, and a cubin that
// ptxas accepts for sm_90a with its launch manifest beside it.
// RUN: mixc-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// PTX: .target sm_90a
// PTX: .entry attention_0(
// PTX: .maxntid 256, 1, 1
// PTX: .minnctapersm 2
// LLVM 22 emits the dynamic shared block as one (demoted) 1-byte symbol; every
// buffer is an offset from it, so the block's window covers them all.
// PTX-DAG: .shared .align 16 .b8 __dynamic_shmem__0;
// PTX-DAG: cp.async.cg.shared.global [%r{{[0-9]+}}{{(\+[0-9]+)?}}], [%rd{{[0-9]+}}], 16, {{16|%r[0-9]+}};
// PTX-DAG: cp.async.wait_group{{[[:space:]]+}}1;
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-DAG: ex2.approx.ftz.f32
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16

// RUN: rm -rf %t && mixc %s -o %t | FileCheck %s --check-prefix=LOG
// Two blocks per SM fit (hd 64: ~80 fragment registers, 54 KiB shared), so
// ptxas is held to 128 registers, at the price of a few spilled bytes that
// measured faster than one block of 134 registers on the H100.
// LOG: attention_0: mix_kernels.cubin, 55296 B shared, {{[0-9]+}} registers, {{[0-9]+}} B spilled
// RUN: test -s %t/mix_kernels.cubin && FileCheck %s --check-prefix=MANIFEST < %t/attention_0.json
// MANIFEST: "abi": "memref",
// MANIFEST: "arch": "sm_90a",
// MANIFEST: "binary": "mix_kernels.cubin",
// MANIFEST: "block": [
// MANIFEST-NEXT: 256,
// MANIFEST: "format": "cubin",
// MANIFEST: "kernel": "attention_0",
// MANIFEST: "registers":
// MANIFEST: "shared_bytes": 55296

// 64-bit shared addresses on request (the default is 32-bit, as above).
// RUN: rm -rf %t.long && mixc --ptx-short-pointers=false %s -o %t.long > /dev/null
// RUN: FileCheck %s --check-prefix=LONG < %t.long/mix_kernels.ptx
// LONG: cp.async.cg.shared.global [%rd{{[0-9]+}}

// Nothing to compile, and a file that does not parse: errors, exit 1.
// RUN: echo 'func.func @f() { return }' > %t.empty.mlir
// RUN: %expect-exit 1 mixc %t.empty.mlir -o %t.empty 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: no GPU kernels to emit (the input has no mix ops)
// RUN: echo 'func.func @f(' > %t.bad.mlir
// RUN: %expect-exit 1 mixc %t.bad.mlir -o %t.bad 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: bad.mlir:1:14: error: expected non-function type

func.func @causal(%q: tensor<2x4x256x64xbf16>, %k: tensor<2x4x256x64xbf16>, %v: tensor<2x4x256x64xbf16>) -> tensor<2x4x256x64xbf16> {
  %o = mix.attention %q, %k, %v {causal, schedule = #mix.schedule<attention.mma_sync, {}>} : (tensor<2x4x256x64xbf16>, tensor<2x4x256x64xbf16>, tensor<2x4x256x64xbf16>) -> tensor<2x4x256x64xbf16>
  return %o : tensor<2x4x256x64xbf16>
}
