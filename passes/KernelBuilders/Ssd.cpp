//===- Ssd.cpp - mix.ssd as one chunked kernel ---------------------------===//
//
// The `ssd.chunked` kernel builder (being written).
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

using namespace mlir;
using namespace mixc;

FailureOr<gpu::GPUFuncOp>
kernels::buildSsdChunkedKernel(mix::SSDOp op, mix::ScheduleAttr schedule,
                               gpu::GPUModuleOp, StringRef) {
  return op.emitOpError() << "no GPU kernel builder for template '"
                          << schedule.getTemplateName() << "' yet";
}
