//===- ScheduleTemplates.h - Kernel templates and their parameters -*- C++
//-*-===//
//
// The one declaration of every GPU kernel template: which mix op it lowers,
// its integer parameters, their legal values and defaults. The #mix.schedule
// verifier, the kernel builders, schedule assignment and the tuner's search
// space all read this table, so a parameter is added or changed in one place.
// The header has no MLIR dependency (only LLVM's ADT).
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_DIALECT_MIX_SCHEDULETEMPLATES_H
#define MIXC_DIALECT_MIX_SCHEDULETEMPLATES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mixc::mix {

/// One integer parameter of a kernel template.
struct ScheduleParamDecl {
  llvm::StringRef name;
  llvm::StringRef description;
  /// Legal values, ascending. Every parameter has a finite set, so the tuner
  /// can enumerate the product space (cross-parameter constraints such as the
  /// shared-memory budget are stated by the cost model's schedule space).
  std::vector<int64_t> choices;
  int64_t defaultValue;

  bool isLegal(int64_t value) const;
  /// "64, 128, 256": for diagnostics.
  std::string choicesString() const;
};

/// A kernel template: a family of kernels for one op, indexed by parameters.
struct ScheduleTemplateDecl {
  /// "<op family>.<variant>", e.g. "attention.mma_sync".
  llvm::StringRef name;
  /// The op it lowers, e.g. "mix.attention".
  llvm::StringRef opName;
  llvm::StringRef description;
  std::vector<ScheduleParamDecl> params;
  /// The one NVVM chip its kernels run on ("sm_90a" for wgmma), or empty:
  /// every chip the toolchain targets (sm_80 and later).
  llvm::StringRef requiredChip = "";

  const ScheduleParamDecl *findParam(llvm::StringRef paramName) const;
  /// Whether its kernels run on `chip`.
  bool runsOn(llvm::StringRef chip) const {
    return requiredChip.empty() || requiredChip == chip;
  }
};

/// The chip the tools that do not take one (mixc-space, mixc-tune) choose
/// default templates for: the H100's.
constexpr llvm::StringLiteral kDefaultChip = "sm_90a";

/// Every declared template, in a fixed order (the first for an op is its
/// default template, unless mix::getDefaultScheduleTemplate in MixOps.h picks
/// another by the op's shapes and the target chip).
llvm::ArrayRef<ScheduleTemplateDecl> getScheduleTemplates();

/// The template called `name`, or null.
const ScheduleTemplateDecl *lookupScheduleTemplate(llvm::StringRef name);

/// The templates that lower `opName` ("mix.attention"), in declared order.
std::vector<const ScheduleTemplateDecl *>
getScheduleTemplatesForOp(llvm::StringRef opName);

/// "attention.mma_sync, attention.wgmma": for diagnostics.
std::string templateNamesForOp(llvm::StringRef opName);

} // namespace mixc::mix

#endif // MIXC_DIALECT_MIX_SCHEDULETEMPLATES_H
