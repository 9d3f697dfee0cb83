//===- Passes.td - mixc passes ---------------------------------*- tablegen -*-===//
//
// Declares every mixc pass. Pass classes only wire patterns together; the
// logic lives in the populate functions declared in Passes.h.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_PASSES_PASSES_TD
#define MIXC_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def MixDecompose : Pass<"mix-decompose"> {
  let summary = "Decompose mix ops into linalg, tensor, arith, math and scf on tensors";
  let description = [{
    Rewrites every mix op into the ops that state its exact meaning, in f32
    with a final conversion to the result type. This is the CPU reference
    semantics that GPU kernels, transforms and the ONNX importer are checked
    against:

    - `mix.attention`: masked score matrix (causal, window, sinks, block mask,
      additive bias), max-subtracted softmax, optional log-sum-exp; grouped
      heads are expanded first.
    - `mix.linear_attention`: recurrence over the sequence when causal,
      quadratic form otherwise.
    - `mix.selective_scan`, `mix.ssd`: their recurrences over the sequence
      (`scf.for`, one linalg step per token), each direction separately.
    - `mix.monarch`: block reshape, first factor, permutation, second factor.
    - `mix.permute`: gather along the axis (inverse: invert the rows, gather).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ConvertMixToGpu : Pass<"convert-mix-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Build a GPU kernel for every mix op from its #mix.schedule";
  let description = [{
    For every mix op in the module, runs the kernel builder of its schedule's
    template (the op's default template with default parameters when it has
    no schedule) and puts the resulting `gpu.func` kernel into the
    `gpu.module @mix_kernels` at the end of the module. Each kernel carries a
    `mix.launch` dictionary (block, grid as factors of argument sizes,
    dynamic shared memory, argument names and roles, the op and its
    schedule) from which the CUDA target writes the launch manifest; the op
    is marked with `mix.kernel = @mix_kernels::@<name>`. The host functions
    are left as they are: libmixrt launches the kernels.

    Kernel arguments are the op's operands then results as memrefs in global
    memory (`#gpu.address_space<global>`), passed as MLIR memref
    descriptors.

    A template without a kernel builder, or an op feature a builder does not
    lower yet, is an error at the op.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::nvgpu::NVGPUDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // MIXC_PASSES_PASSES_TD
