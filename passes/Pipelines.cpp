//===- Pipelines.cpp - Named mixc pipelines and pass registration ---------===//
//
// Builds each named pipeline in one function and registers it, with the mixc
// passes, for the tools. --mix-cpu-pipeline produces the LLVM dialect that
// mixc-run hands to the ExecutionEngine.
//
//===----------------------------------------------------------------------===//

#include "mixc/Passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mixc::buildMixCpuPipeline(OpPassManager &pm) {
  pm.addPass(createMixDecompose());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Tensors to buffers, function boundaries included, with identity layouts
  // so that callers pass plain strided descriptors.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  // The recurrences carry new state tensors through scf.for.
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  // Returning an argument or a constant leaves bufferization.clone.
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Loops, then the LLVM dialect. bf16 conversions are expanded to integer
  // arithmetic: the host's libgcc may lack the bf16 conversion helpers.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mixc::registerMixPipelines() {
  PassPipelineRegistration<>(
      "mix-cpu-pipeline",
      "Decompose mix ops to linalg, bufferize and lower to the LLVM dialect "
      "for CPU execution (the reference path of mixc-run)",
      buildMixCpuPipeline);
}
