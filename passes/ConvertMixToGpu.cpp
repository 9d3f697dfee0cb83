//===- ConvertMixToGpu.cpp - --convert-mix-to-gpu -------------------------===//
//
// Runs the kernel builder of every mix op's schedule and collects the kernels
// in `gpu.module @mix_kernels`. The CUDA target (lib/Target/CUDA) lowers that
// module to PTX/cubin and writes one launch manifest per kernel.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders/KernelBuilder.h"

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"
#include "mixc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mixc {
#define GEN_PASS_DEF_CONVERTMIXTOGPU
#include "mixc/Passes/Passes.h.inc"
} // namespace mixc

using namespace mlir;
using namespace mixc;

namespace {

/// The kernel builder for `schedule`'s template, or an error at the op.
FailureOr<gpu::GPUFuncOp> buildKernel(mix::ScheduledOpInterface op,
                                      mix::ScheduleAttr schedule,
                                      gpu::GPUModuleOp module, StringRef name,
                                      StringRef chip) {
  StringRef templateName = schedule.getTemplateName();
  if (const mix::ScheduleTemplateDecl *decl =
          mix::lookupScheduleTemplate(templateName);
      decl && !decl->runsOn(chip))
    return op->emitOpError()
           << "schedule template '" << templateName << "' runs only on "
           << decl->requiredChip << ", not chip '" << chip
           << "'; templates for this op: "
           << mix::templateNamesForOp(op->getName().getStringRef());
  if (templateName == "attention.mma_sync")
    return kernels::buildAttentionMmaSyncKernel(cast<mix::AttentionOp>(op),
                                                schedule, module, name);
  if (templateName == "attention.wgmma")
    return kernels::buildAttentionWgmmaKernel(cast<mix::AttentionOp>(op),
                                              schedule, module, name);
  if (templateName == "ssd.chunked")
    return kernels::buildSsdChunkedKernel(cast<mix::SSDOp>(op), schedule,
                                          module, name);
  if (templateName == "monarch.fused")
    return kernels::buildMonarchFusedKernel(cast<mix::MonarchOp>(op), schedule,
                                            module, name, chip);
  return op->emitOpError() << "no GPU kernel builder for template '"
                           << templateName
                           << "' yet (the CPU path, --mix-cpu-pipeline, "
                              "lowers every mix op)";
}

struct ConvertMixToGpuPass
    : public mixc::impl::ConvertMixToGpuBase<ConvertMixToGpuPass> {
  using ConvertMixToGpuBase::ConvertMixToGpuBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<mix::ScheduledOpInterface> ops;
    module.walk([&](mix::ScheduledOpInterface op) { ops.push_back(op); });
    if (ops.empty())
      return;

    OpBuilder builder(module.getContext());
    builder.setInsertionPointToEnd(module.getBody());
    auto kernels =
        gpu::GPUModuleOp::create(builder, module.getLoc(), "mix_kernels");
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    builder.getUnitAttr());

    llvm::StringMap<unsigned> counts;
    bool failedAny = false;
    for (mix::ScheduledOpInterface op : ops) {
      StringRef family = op->getName().stripDialect();
      std::string name = (family + "_" + Twine(counts[family]++)).str();
      mix::ScheduleAttr schedule = kernels::effectiveSchedule(op, chip);
      if (!schedule) {
        op->emitOpError() << "has no kernel template";
        failedAny = true;
        continue;
      }
      FailureOr<gpu::GPUFuncOp> kernel =
          buildKernel(op, schedule, kernels, name, chip);
      if (failed(kernel)) {
        failedAny = true;
        continue;
      }
      FlatSymbolRefAttr leaf = FlatSymbolRefAttr::get(kernel->getNameAttr());
      op->setAttr("mix.kernel",
                  SymbolRefAttr::get(kernels.getSymNameAttr(), {leaf}));
    }
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
