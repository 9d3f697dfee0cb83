//===- Passes.h - mixc passes, patterns and pipelines ----------*- C++ -*-===//
//
// Pass constructors (generated from Passes.td), the pattern populate functions
// that hold each pass's logic, and the named pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_PASSES_PASSES_H
#define MIXC_PASSES_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class OpPassManager;
class RewritePatternSet;
namespace arith {
class ArithDialect;
} // namespace arith
namespace gpu {
class GPUDialect;
} // namespace gpu
namespace LLVM {
class LLVMDialect;
} // namespace LLVM
namespace memref {
class MemRefDialect;
} // namespace memref
namespace nvgpu {
class NVGPUDialect;
} // namespace nvgpu
namespace vector {
class VectorDialect;
} // namespace vector
namespace linalg {
class LinalgDialect;
} // namespace linalg
namespace math {
class MathDialect;
} // namespace math
namespace scf {
class SCFDialect;
} // namespace scf
namespace tensor {
class TensorDialect;
} // namespace tensor
} // namespace mlir

namespace mixc {

#define GEN_PASS_DECL
#include "mixc/Passes/Passes.h.inc"

/// mix.attention and mix.linear_attention to linalg
/// (passes/Decompose/Attention.cpp).
void populateMixDecomposeAttentionPatterns(mlir::RewritePatternSet &patterns);
/// mix.selective_scan and mix.ssd to linalg + scf.for
/// (passes/Decompose/Scans.cpp).
void populateMixDecomposeScanPatterns(mlir::RewritePatternSet &patterns);
/// mix.monarch and mix.permute to linalg (passes/Decompose/Structured.cpp).
void populateMixDecomposeStructuredPatterns(mlir::RewritePatternSet &patterns);
/// All of the above.
void populateMixDecomposePatterns(mlir::RewritePatternSet &patterns);

/// --mix-cpu-pipeline: decompose, bufferize, lower to the LLVM dialect for the
/// ExecutionEngine. Functions keep their signatures (tensors become memrefs
/// with identity layout); results are returned as memrefs.
void buildMixCpuPipeline(mlir::OpPassManager &pm);

/// Registers the named pipelines (--mix-cpu-pipeline). The passes themselves
/// are registered by the generated registerMixPasses().
void registerMixPipelines();

#define GEN_PASS_REGISTRATION
#include "mixc/Passes/Passes.h.inc"

} // namespace mixc

#endif // MIXC_PASSES_PASSES_H
