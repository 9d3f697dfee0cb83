//===- mixc-translate.cpp - Translations into and out of MLIR -------------===//
//
// mlir-translate for mixc: --import-onnx reads an ONNX model (binary, or the
// ONNX text format for files ending in .onnxtext) and prints the imported
// module. Flags follow mlir-translate (-o, --split-input-file, ...).
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/Import/OnnxImporter.h"
#include "mixc/Passes/Passes.h"
#include "mixc/Target/CudaTarget.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>

using namespace mlir;

static llvm::cl::opt<bool> raiseSubgraphs(
    "onnx-raise", llvm::cl::init(true),
    llvm::cl::desc("With --import-onnx: import recognised subgraphs (softmax "
                   "attention) as mix ops (default true)"));

static OwningOpRef<Operation *> importOnnx(llvm::SourceMgr &sourceMgr,
                                           MLIRContext *context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  llvm::StringRef path = buffer->getBufferIdentifier();
  std::string error;
  mixc::OnnxImportOptions options;
  options.raise = raiseSubgraphs;
  OwningOpRef<ModuleOp> module;
  if (path.ends_with(".onnxtext")) {
    module = mixc::importOnnxFile(path, context, options, error);
  } else {
    module = mixc::importOnnxBuffer(buffer->getBuffer(),
                                    llvm::sys::path::parent_path(path), context,
                                    options, error);
  }
  if (!module) {
    // The message names the node; the location names the model.
    emitError(FileLineColLoc::get(context, path, 0, 0)) << error;
    return nullptr;
  }
  return OwningOpRef<Operation *>(module.release());
}

static llvm::cl::opt<std::string>
    ptxChip("ptx-chip", llvm::cl::init("sm_90a"),
            llvm::cl::desc("With --emit-ptx: the NVVM chip (default sm_90a)"));

/// --emit-ptx: a module with mix ops (kernels are built with
/// --convert-mix-to-gpu first) or with gpu.modules, as PTX text.
static LogicalResult emitPtx(Operation *op, llvm::raw_ostream &os) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("--emit-ptx needs a builtin.module");
  if (module.getOps<gpu::GPUModuleOp>().empty()) {
    PassManager pm(module.getContext());
    mixc::ConvertMixToGpuOptions convert;
    convert.chip = ptxChip;
    pm.addPass(mixc::createConvertMixToGpu(convert));
    if (failed(pm.run(module)))
      return failure();
    if (module.getOps<gpu::GPUModuleOp>().empty())
      return module.emitError("--emit-ptx: no mix ops and no gpu.module in "
                              "the input: nothing to compile");
  }
  SmallVector<std::string> names;
  for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
    names.push_back(gpuModule.getName().str());
  mixc::cuda::TargetOptions options;
  options.chip = ptxChip;
  if (failed(mixc::cuda::lowerToPtx(module, options)))
    return failure();
  for (const std::string &name : names) {
    FailureOr<std::string> ptx = mixc::cuda::ptxOf(module, name);
    if (failed(ptx))
      return failure();
    os << "// gpu.module @" << name << "\n" << *ptx;
  }
  return success();
}

int main(int argc, char **argv) {
  mixc::registerMixcPasses();
  TranslateFromMLIRRegistration ptxRegistration(
      "emit-ptx",
      "Build the GPU kernels of the input's mix ops (or take its "
      "gpu.modules) and print them as PTX",
      emitPtx,
      [](DialectRegistry &dialects) { mixc::registerMixcDialects(dialects); });
  DialectRegistry registry;
  mixc::registerMixcDialects(registry);
  TranslateToMLIRRegistration importRegistration(
      "import-onnx",
      "Import an ONNX model (.onnx, or .onnxtext in the ONNX text format) "
      "as func + linalg/tensor/arith/math + mix ops",
      importOnnx,
      [&](DialectRegistry &dialects) { mixc::registerMixcDialects(dialects); });
  return failed(mlirTranslateMain(
      argc, argv, "mixc translations: ONNX import, PTX emission\n"));
}
