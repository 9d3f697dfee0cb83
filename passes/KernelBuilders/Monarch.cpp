//===- Monarch.cpp - mix.monarch as one fused kernel ----------------------===//
//
// The `monarch.fused` kernel builder (being written).
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

using namespace mlir;
using namespace mixc;

FailureOr<gpu::GPUFuncOp>
kernels::buildMonarchFusedKernel(mix::MonarchOp op, mix::ScheduleAttr schedule,
                                 gpu::GPUModuleOp, StringRef) {
  return op.emitOpError() << "no GPU kernel builder for template '"
                          << schedule.getTemplateName() << "' yet";
}
