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

#endif // MIXC_PASSES_PASSES_TD
