//===- CpuRunner.h - JIT-execute a function on the CPU -----------*- C++
//-*-===//
//
// The CPU reference path as a library: lowers a module through
// --mix-cpu-pipeline, JIT-compiles it with MLIR's ExecutionEngine and calls
// one function on host arrays. mixc-run and the property tests use it. Inputs
// and results are npy::Array values (dtype, shape, bytes); dynamic dimensions
// take their sizes from the inputs, result shapes come back from the callee.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_EXECUTION_CPURUNNER_H
#define MIXC_EXECUTION_CPURUNNER_H

#include "mixc/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
class ModuleOp;
} // namespace mlir

namespace mixc {

/// The npy dtype that holds `elementType` (bf16 as raw 16-bit words), or
/// std::nullopt when mixc-run cannot exchange it.
std::optional<npy::DType> dtypeForElementType(mlir::Type elementType);

class CpuRunner {
public:
  ~CpuRunner();

  /// Lowers `module` (consumed: it is rewritten to the LLVM dialect) and
  /// JIT-compiles it. `entry` names the function to call; when empty, the
  /// module must have exactly one public function. Returns null and sets
  /// `error` on failure (diagnostics of failed passes are included).
  static std::unique_ptr<CpuRunner>
  compile(mlir::ModuleOp module, llvm::StringRef entry, std::string &error);

  llvm::StringRef getEntryName() const { return entryName; }
  /// The entry function's tensor types, as written before lowering.
  llvm::ArrayRef<mlir::RankedTensorType> getInputTypes() const {
    return inputTypes;
  }
  llvm::ArrayRef<mlir::RankedTensorType> getResultTypes() const {
    return resultTypes;
  }

  /// Checks `inputs` against the signature (count, rank, static sizes, dtype;
  /// a U16 array is accepted for a bf16 argument) and calls the function.
  /// When the signature has dynamic dimensions, the mix ops are verified again
  /// with the arguments' actual sizes, so inputs that contradict each other
  /// (a key batch unlike the query batch) are an error, not a bad read.
  bool run(llvm::ArrayRef<npy::Array> inputs, std::vector<npy::Array> &results,
           std::string &error);

private:
  CpuRunner() = default;
  bool checkDynamicSizes(llvm::ArrayRef<npy::Array> inputs, std::string &error);

  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::string entryName;
  llvm::SmallVector<mlir::RankedTensorType> inputTypes, resultTypes;
  /// The module as given, kept when the signature has dynamic dimensions.
  mlir::OwningOpRef<mlir::ModuleOp> unlowered;
};

} // namespace mixc

#endif // MIXC_EXECUTION_CPURUNNER_H
