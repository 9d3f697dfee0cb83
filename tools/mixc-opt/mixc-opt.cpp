//===- mixc-opt.cpp - The mixc optimizer driver ---------------------------===//
//
// mlir-opt for mixc: parses, verifies, runs passes over and prints MLIR that
// uses the mix dialect, with every mlir-opt flag (--split-input-file,
// --verify-diagnostics, --pass-pipeline, ...).
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mixc::registerMixcPasses();
  mlir::DialectRegistry registry;
  mixc::registerMixcDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv,
      "mixc optimizer driver: the mix dialect (sequence mixers) with the "
      "upstream MLIR dialects and passes\n",
      registry));
}
