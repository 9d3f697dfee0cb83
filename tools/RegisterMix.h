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

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mixc {
/// Adds the mix dialect, the upstream dialects and their extensions.
void registerMixcDialects(mlir::DialectRegistry &registry);
/// Registers the mix passes and pipelines and the upstream passes.
void registerMixcPasses();
} // namespace mixc

#endif // MIXC_TOOLS_REGISTERMIX_H
