//===- MixOps.h - The mix ops ----------------------------------*- C++ -*-===//
//
// Declares the mix ops (attention, linear attention, selective scan, SSD,
// Monarch, permute) and the ScheduledOpInterface they all implement.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_DIALECT_MIX_MIXOPS_H
#define MIXC_DIALECT_MIX_MIXOPS_H

#include "mixc/Dialect/Mix/MixDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mixc::mix {
/// Checks the op's `#mix.schedule` (if any) against the op: the template must
/// be declared for this op and the op's shapes must satisfy the template's
/// rules. Called by ScheduledOpInterface's verifier.
mlir::LogicalResult verifyScheduleForOp(mlir::Operation *op);

struct ScheduleTemplateDecl;

/// The kernel template that lowers `op` when it has no #mix.schedule, on
/// `chip`: for mix.attention, attention.wgmma where the chip runs it and
/// the op is what it was measured fastest on (f16 or bf16, head and value
/// dims 64 or 128, no bias, block mask or sink tokens; its default tiles
/// fit there); else the op's first template (attention.mma_sync). Null for
/// an op without templates.
const ScheduleTemplateDecl *getDefaultScheduleTemplate(mlir::Operation *op,
                                                       llvm::StringRef chip);
} // namespace mixc::mix

#include "mixc/Dialect/Mix/MixInterfaces.h.inc"

#define GET_OP_CLASSES
#include "mixc/Dialect/Mix/MixOps.h.inc"

#endif // MIXC_DIALECT_MIX_MIXOPS_H
