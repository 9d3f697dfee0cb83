//===- RegisterMix.cpp - Dialects and passes every mixc tool knows --------===//
//
// See RegisterMix.h. The registerAll* functions live in libMLIR.so, so this
// unit is cheap to compile.
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/Dialect/Mix/MixDialect.h"
#include "mixc/Passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

void mixc::registerMixcDialects(mlir::DialectRegistry &registry) {
  registry.insert<mixc::mix::MixDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates gpu.modules to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
}

void mixc::registerMixcPasses() {
  mlir::registerAllPasses();
  mixc::registerMixPasses();
  mixc::registerMixPipelines();
}

mlir::OwningOpRef<mlir::ModuleOp>
mixc::parseMixcFile(llvm::StringRef path, mlir::MLIRContext &context,
                    llvm::StringRef tool) {
  std::string error;
  auto file = mlir::openInputFile(path, &error);
  if (!file) {
    llvm::errs() << tool << ": error: " << error << "\n";
    return nullptr;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  return mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
}
