//===- mixc.cpp - The compiler driver: model in, GPU kernels out ----------===//
//
// `mixc --target=sm_90a IN -o DIR` takes an ONNX model (.onnx, .onnxtext) or
// MLIR (.mlir) and writes, for every mix op, a GPU kernel built from its
// #mix.schedule: DIR/mix_kernels.ptx, DIR/mix_kernels.cubin (when ptxas is
// found) and one launch manifest DIR/<kernel>.json per kernel, which
// libmixrt and mixc-bench load. ONNX models are imported and raised as
// `mixc-translate --import-onnx` does.
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/Import/OnnxImporter.h"
#include "mixc/Passes/Passes.h"
#include "mixc/Target/CudaTarget.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

static llvm::cl::opt<std::string>
    inputPath(llvm::cl::Positional,
              llvm::cl::desc("<model.onnx|.onnxtext|.mlir>"),
              llvm::cl::Required);
static llvm::cl::opt<std::string>
    outputDir("o", llvm::cl::desc("Directory for the PTX, cubin and manifests"),
              llvm::cl::value_desc("dir"), llvm::cl::Required);
static llvm::cl::opt<std::string>
    target("target", llvm::cl::init("sm_90a"),
           llvm::cl::desc("NVVM chip to compile for (default sm_90a)"));
static llvm::cl::opt<std::string> ptxFeatures(
    "ptx-features", llvm::cl::init(mixc::cuda::TargetOptions().features),
    llvm::cl::desc("PTX ISA features (default: the target's, +ptx81: "
                   "sm_90a's wgmma and TMA need PTX 8.0, st.async 8.1)"));
static llvm::cl::opt<std::string>
    ptxas("ptxas", llvm::cl::desc("ptxas to use (default: $CUDA_HOME/bin, "
                                  "/usr/local/cuda/bin, then PATH)"));
static llvm::cl::opt<bool> shortPointers(
    "ptx-short-pointers", llvm::cl::init(true),
    llvm::cl::desc("32-bit shared-memory addresses in the PTX (default true; "
                   "=false for 64-bit, to compare)"));
static llvm::cl::opt<std::string>
    tuningDb("tuning-db",
             llvm::cl::desc("Take each op's schedule from this tuning database "
                            "(mixc-tune --db) when it holds the op's task"),
             llvm::cl::value_desc("tuning.jsonl"));
static llvm::cl::opt<std::string> costModel(
    "cost-model",
    llvm::cl::desc("Else let this cost model (mixc-costmodel train) pick "
                   "from the op's schedule space"),
    llvm::cl::value_desc("model.json"));
static llvm::cl::opt<bool> printKernels(
    "print-kernels",
    llvm::cl::desc("Print the module with the built gpu.func kernels before "
                   "lowering"));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mixc::registerMixcPasses();
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "mixc: compiles the mix ops of an ONNX model or MLIR file into GPU "
      "kernels (PTX, cubin) and launch manifests for libmixrt\n");

  DialectRegistry registry;
  mixc::registerMixcDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  OwningOpRef<ModuleOp> module;
  StringRef path = inputPath;
  if (path.ends_with(".onnx") || path.ends_with(".onnxtext")) {
    std::string error;
    module =
        mixc::importOnnxFile(path, &context, mixc::OnnxImportOptions(), error);
    if (!module) {
      llvm::errs() << path << ": error: " << error << "\n";
      return 1;
    }
  } else {
    module = mixc::parseMixcFile(path, context, "mixc");
    if (!module)
      return 1;
  }

  // Diagnostics from here on print with their source locations.
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  if (failed(verify(*module)))
    return 1;
  PassManager pm(&context);
  // Ops without a #mix.schedule: the tuning database's best, else the cost
  // model's pick, else the template default (--mix-assign-schedules).
  if (!tuningDb.empty() || !costModel.empty()) {
    mixc::MixAssignSchedulesOptions assign;
    assign.dbPath = tuningDb;
    assign.modelPath = costModel;
    assign.chip = target;
    pm.addPass(mixc::createMixAssignSchedules(assign));
  }
  mixc::ConvertMixToGpuOptions convert;
  convert.chip = target;
  pm.addPass(mixc::createConvertMixToGpu(convert));
  if (failed(pm.run(*module)))
    return 1;
  if (printKernels)
    module->print(llvm::outs());

  mixc::cuda::TargetOptions options;
  options.chip = target;
  options.features = ptxFeatures;
  options.ptxas = ptxas;
  options.shortSharedPointers = shortPointers;
  if (failed(
          mixc::cuda::emitKernels(*module, outputDir, options, llvm::outs())))
    return 1;
  return 0;
}
