//===- OnnxImporter.h - ONNX models to MLIR ----------------------*- C++
//-*-===//
//
// Imports an ONNX ModelProto (parsed with protobuf; Debian's libonnx schemas
// and checker are never a gate, so IR version 10 models from current PyTorch
// import) into one func.func of linalg/tensor/arith/math ops plus mix ops.
// Initializers become dense resources, external data next to the model is
// read, dynamic input dimensions stay dynamic. An unsupported op is reported
// as `node '<name>' (<OpType>, opset <N>): not supported` and nothing is
// returned.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_IMPORT_ONNXIMPORTER_H
#define MIXC_IMPORT_ONNXIMPORTER_H

#include "mixc/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace mixc {

struct OnnxImportOptions {
  /// Name of the function the graph becomes.
  std::string functionName = "main";
  /// Import recognised subgraphs (softmax attention) as mix ops.
  bool raise = true;
};

/// Imports the model in `path` (binary ModelProto, or ONNX text format when
/// the file name ends in .onnxtext). Returns null and sets `error` on failure
/// (the message names the node, not the file).
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(llvm::StringRef path, mlir::MLIRContext *context,
               const OnnxImportOptions &options, std::string &error);

/// Imports a serialized ModelProto held in memory; `baseDir` is where
/// external data files are looked up.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxBuffer(llvm::StringRef bytes, llvm::StringRef baseDir,
                 mlir::MLIRContext *context, const OnnxImportOptions &options,
                 std::string &error);

/// Reads a serialized TensorProto file (the ONNX backend tests' input_0.pb,
/// output_0.pb) into an array.
bool readTensorProtoFile(llvm::StringRef path, npy::Array &array,
                         std::string &error);

/// One row per supported op: "| `Add` | 7-23 | notes |", for docs.
struct OnnxOpSupport {
  std::string opType;
  int64_t minOpset, maxOpset;
  std::string notes;
};
std::vector<OnnxOpSupport> getSupportedOnnxOps();

} // namespace mixc

#endif // MIXC_IMPORT_ONNXIMPORTER_H
