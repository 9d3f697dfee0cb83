//===- MixBase.td - The mix dialect and its type constraints ---*- tablegen -*-===//
//
// The `mix` dialect holds one op per sequence-mixer family (attention, linear
// attention, selective scan, SSD, Monarch, token permutation). This file
// declares the dialect and the element/tensor constraints shared by its ops;
// MixAttrs.td, MixInterfaces.td and MixOps.td build on it.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_DIALECT_MIX_MIXBASE_TD
#define MIXC_DIALECT_MIX_MIXBASE_TD

include "mlir/IR/OpBase.td"

def Mix_Dialect : Dialect {
  let name = "mix";
  let summary = "Sequence mixers: attention, state-space models, structured matrices";
  let description = [{
    The `mix` dialect states what a sequence mixer computes, at the level a
    model author thinks of it: softmax attention with its masks, linear
    attention, the Mamba-1 selective scan, Mamba-2's structured state-space
    duality (SSD), Monarch products and token permutations. Every op works on
    ranked tensors with static or dynamic dimensions and carries an optional
    `#mix.schedule` that tells the GPU lowering how to build its kernel.

    The ops are the contract between the importer, the CPU reference
    (decomposition to linalg) and the GPU kernel builders: their verifiers check
    every rule the lowerings rely on.
  }];
  let cppNamespace = "::mixc::mix";
  let useDefaultAttributePrinterParser = 1;
}

// Floating-point element types a mixer computes in. f8 types appear as inputs
// of quantized kernels; results are always f32, f16 or bf16.
def Mix_ComputeFloat : AnyTypeOf<[F32, F16, BF16]>;
def Mix_AnyFloat : AnyTypeOf<[F32, F16, BF16, F8E4M3FN, F8E5M2]>;
def Mix_Element : AnyTypeOf<[F32, F16, BF16, F8E4M3FN, F8E5M2, I8]>;

def Mix_Tensor : RankedTensorOf<[F32, F16, BF16, F8E4M3FN, F8E5M2, I8]>;
def Mix_FloatTensor : RankedTensorOf<[F32, F16, BF16, F8E4M3FN, F8E5M2]>;
def Mix_ResultTensor : RankedTensorOf<[F32, F16, BF16]>;
def Mix_MaskTensor : RankedTensorOf<[I1, I8]>;
def Mix_IndexTensor : RankedTensorOf<[I32, I64]>;

#endif // MIXC_DIALECT_MIX_MIXBASE_TD
