//===- mixc-translate.cpp - Translations into and out of MLIR -------------===//
//
// mlir-translate for mixc: --import-onnx reads an ONNX model (binary, or the
// ONNX text format for files ending in .onnxtext) and prints the imported
// module. Flags follow mlir-translate (-o, --split-input-file, ...).
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/Import/OnnxImporter.h"

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

int main(int argc, char **argv) {
  DialectRegistry registry;
  mixc::registerMixcDialects(registry);
  TranslateToMLIRRegistration importRegistration(
      "import-onnx",
      "Import an ONNX model (.onnx, or .onnxtext in the ONNX text format) "
      "as func + linalg/tensor/arith/math + mix ops",
      importOnnx,
      [&](DialectRegistry &dialects) { mixc::registerMixcDialects(dialects); });
  return failed(
      mlirTranslateMain(argc, argv, "mixc translations: ONNX import\n"));
}
