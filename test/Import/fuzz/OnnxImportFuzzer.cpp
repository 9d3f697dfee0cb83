//===- OnnxImportFuzzer.cpp - libFuzzer target for the ONNX importer ------===//
//
// Feeds arbitrary bytes to the ONNX importer as a serialized ModelProto. The
// property is that the importer never crashes, hangs or trips a sanitizer:
// malformed input is an error message. Built only in the clang fuzz build
// (-DMIXC_BUILD_FUZZERS=ON, see scripts/fuzz.sh).
//
//===----------------------------------------------------------------------===//

#include "mixc/Import/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: attributes interned by one input must not
  // accumulate over a long run.
  mlir::MLIRContext context;
  context.disableMultithreading();
  std::string error;
  // No external data is read: the base folder does not exist.
  mixc::importOnnxBuffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "/nonexistent-mixc-fuzz", &context, {}, error);
  return 0;
}
