//===- MixDecompose.cpp - The --mix-decompose pass ------------------------===//
//
// Wires the decomposition patterns of every mix op family into one pass. A mix
// op left after the rewrite means a pattern failed to apply; that is reported
// at the op.
//
//===----------------------------------------------------------------------===//

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mixc {
#define GEN_PASS_DEF_MIXDECOMPOSE
#include "mixc/Passes/Passes.h.inc"
} // namespace mixc

using namespace mlir;

void mixc::populateMixDecomposePatterns(RewritePatternSet &patterns) {
  populateMixDecomposeAttentionPatterns(patterns);
  populateMixDecomposeScanPatterns(patterns);
  populateMixDecomposeStructuredPatterns(patterns);
}

namespace {
struct MixDecomposePass : mixc::impl::MixDecomposeBase<MixDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mixc::populateMixDecomposePatterns(patterns);
    // Each pattern replaces its op with ops of other dialects only, so one
    // walk suffices.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    WalkResult leftover = getOperation()->walk([](Operation *op) {
      if (op->getName().getDialectNamespace() != "mix")
        return WalkResult::advance();
      op->emitOpError("could not be decomposed");
      return WalkResult::interrupt();
    });
    if (leftover.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
