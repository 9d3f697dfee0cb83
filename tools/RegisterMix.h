//===- RegisterMix.h - Dialects and passes every mixc tool knows -*- C++
//-*-===//
//
// One place that says what the mixc tools register: the mix dialect, the
// upstream dialects the pipelines lower through (func, arith, math, tensor,
// linalg, scf, memref, bufferization, vector, gpu, nvgpu, nvvm, llvm,
// transform, ...) with their interface extensions, and all passes. The
// implementation is one translation unit so the heavy registration headers
// are compiled once.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_TOOLS_REGISTERMIX_H
#define MIXC_TOOLS_REGISTERMIX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace mixc {
/// Adds the mix dialect, the upstream dialects and their extensions.
void registerMixcDialects(mlir::DialectRegistry &registry);
/// Registers the mix passes and pipelines and the upstream passes.
void registerMixcPasses();
/// Parses the MLIR file `path` (`-` for stdin) into a module, or returns null
/// after printing why: "<tool>: error: <reason>" for a file that cannot be
/// read, parse errors at their source location.
mlir::OwningOpRef<mlir::ModuleOp> parseMixcFile(llvm::StringRef path,
                                                mlir::MLIRContext &context,
                                                llvm::StringRef tool);
} // namespace mixc

#endif // MIXC_TOOLS_REGISTERMIX_H
