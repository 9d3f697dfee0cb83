//===- CudaTarget.h - gpu.module to PTX, cubin and launch manifests -*- C++
//-*-===//
//
// The last step of the GPU path. The kernels that --convert-mix-to-gpu put
// in `gpu.module`s are lowered to the NVVM/LLVM dialects, given an NVVM
// target (sm_90a by default), translated to PTX by LLVM's NVPTX backend and,
// where the CUDA toolkit's ptxas is found, assembled into a cubin. Beside the
// binary, one JSON manifest per kernel tells libmixrt how to launch it
// (lib/Runtime reads it; the format is described in docs/ARCHITECTURE.md).
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_TARGET_CUDATARGET_H
#define MIXC_TARGET_CUDATARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mixc::cuda {

struct TargetOptions {
  /// NVVM chip and PTX features (sm_90a needs PTX 8.0 for wgmma and TMA;
  /// monarch.fused's st.async into a cluster's blocks needs 8.1).
  std::string chip = "sm_90a";
  std::string features = "+ptx81";
  int optLevel = 3;
  /// 32-bit shared-memory pointers (the NVPTX backend's nvptx-short-ptr).
  bool shortSharedPointers = true;
  /// ptxas to run; empty: $CUDA_HOME/bin, /usr/local/cuda/bin, then PATH.
  std::string ptxas;
};

/// Lowers every gpu.module of `module` to PTX in place of itself: after this,
/// each is a `gpu.binary` holding PTX text. Errors are reported at the
/// failing op.
mlir::LogicalResult lowerToPtx(mlir::ModuleOp module,
                               const TargetOptions &options);

/// Makes the last `mix.tensor_maps` parameters of each lowered kernel
/// 128-byte by-value __grid_constant__ parameters (byval, align 64,
/// nvvm.grid_constant); lowerToPtx runs it before the NVPTX backend.
void markTensorMapParams(mlir::ModuleOp module);

/// The PTX held by the `gpu.binary` named `name` (after lowerToPtx).
mlir::FailureOr<std::string> ptxOf(mlir::ModuleOp module, llvm::StringRef name);

/// The path of ptxas, or an empty string when there is none.
std::string findPtxas(const TargetOptions &options);

/// Assembles `ptx` for options.chip with ptxas: the cubin's bytes; `report`
/// receives ptxas -v output (registers, spills, shared memory per kernel).
mlir::FailureOr<std::string> assembleCubin(llvm::StringRef ptx,
                                           const TargetOptions &options,
                                           std::string &report,
                                           std::string &error);

/// The whole back end for `mixc --target`: for the kernels that
/// --convert-mix-to-gpu built in `module`, writes into `directory`
///   <gpu module>.ptx, <gpu module>.cubin (when ptxas exists),
///   <kernel>.json (the launch manifest of each kernel),
/// and prints one line per kernel to `log`. `module` is lowered in place.
mlir::LogicalResult emitKernels(mlir::ModuleOp module,
                                llvm::StringRef directory,
                                const TargetOptions &options,
                                llvm::raw_ostream &log);

} // namespace mixc::cuda

#endif // MIXC_TARGET_CUDATARGET_H
