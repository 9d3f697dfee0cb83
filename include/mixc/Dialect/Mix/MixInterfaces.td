//===- MixInterfaces.td - Interfaces shared by mix ops ---------*- tablegen -*-===//
//
// `ScheduledOpInterface` is implemented by every mix op: it exposes the op's
// optional `#mix.schedule` so that schedule assignment, the kernel builders and
// the tuner can treat all mixers alike, and it checks the schedule against the
// op (template applies to this op, shape rules of the template).
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_DIALECT_MIX_MIXINTERFACES_TD
#define MIXC_DIALECT_MIX_MIXINTERFACES_TD

include "mlir/IR/OpBase.td"

def Mix_ScheduledOpInterface : OpInterface<"ScheduledOpInterface"> {
  let cppNamespace = "::mixc::mix";
  let description = [{
    A mix op whose GPU lowering is chosen by a `#mix.schedule` attribute
    stored under the name `schedule`.
  }];
  let methods = [
    InterfaceMethod<"The attached schedule, or null when none is set.",
      "::mixc::mix::ScheduleAttr", "getScheduleAttr", (ins), [{
        return $_op.getScheduleAttr();
      }]>,
    InterfaceMethod<"Attaches `schedule` (null removes it).",
      "void", "setScheduleAttr", (ins "::mixc::mix::ScheduleAttr":$schedule), [{
        if (schedule)
          $_op.setScheduleAttr(schedule);
        else
          $_op.removeScheduleAttr();
      }]>,
  ];
  let verify = [{ return ::mixc::mix::verifyScheduleForOp($_op); }];
}

#endif // MIXC_DIALECT_MIX_MIXINTERFACES_TD
