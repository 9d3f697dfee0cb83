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
    template (when it has no schedule: its default template for `chip`, with
    default parameters; for attention that is attention.wgmma on sm_90a at
    f16/bf16 head dims 64 and 128, else attention.mma_sync) and puts the
    resulting `gpu.func` kernel into the
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
  let options = [
    Option<"chip", "chip", "std::string", "\"sm_90a\"",
           "NVVM chip the kernels are for: attention.wgmma needs sm_90a "
           "(ops without a schedule get attention.mma_sync elsewhere)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::nvgpu::NVGPUDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def MixAssignSchedules : Pass<"mix-assign-schedules", "::mlir::ModuleOp"> {
  let summary = "Give every mix op the best known #mix.schedule";
  let description = [{
    For each mix op without a schedule (every op with `overwrite`), in this
    order:

    1. the fastest schedule that passed in the tuning database `db` (the
       JSON lines of `mixc-tune --db`) for the op's task, among templates
       that `chip` runs: the same op, sizes, element types and mask,
       whatever the function or location;
    2. else the cost model's (`model`, `mixc-costmodel train`) top pick among
       the legal schedules of the op's templates that `chip` runs (their
       Presburger spaces; up to 4096 points each, uniformly sampled beyond
       that);
    3. else the default template for `chip` with its default parameters.

    The op gets `mix.schedule_source = "db" | "model" | "default"` so the
    choice can be traced. An unreadable database or model is an error.

    ```
    mixc-opt --mix-assign-schedules="db=tuning.jsonl model=model.json" in.mlir
    ```
  }];
  let options = [
    Option<"dbPath", "db", "std::string", "\"\"",
           "Tuning database (mixc-tune --db) to take measured schedules from">,
    Option<"modelPath", "model", "std::string", "\"\"",
           "Cost model (JSON, mixc-costmodel train) to rank schedules with">,
    Option<"overwrite", "overwrite", "bool", "false",
           "Replace the schedules that ops already have">,
    Option<"chip", "chip", "std::string", "\"sm_90a\"",
           "NVVM chip: picks the default template (attention.wgmma needs "
           "sm_90a)">,
  ];
}

#endif // MIXC_PASSES_PASSES_TD
