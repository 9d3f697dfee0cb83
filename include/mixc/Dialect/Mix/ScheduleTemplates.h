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
  /// Values above `portableMax` run only on chips of compute capability
  /// `minChipAbove` or later (e.g. clusters, cluster > 1, and TMA, tma > 0,
  /// need sm_90); 0: every value runs on every chip.
  int64_t portableMax = 0;
  int64_t minChipAbove = 0;

  bool isLegal(int64_t value) const;
  /// Whether `value` runs on a chip of compute capability `chipVersion`.
  bool runsOn(int64_t value, int64_t chipVersion) const {
    return minChipAbove == 0 || value <= portableMax ||
           chipVersion >= minChipAbove;
  }
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
  /// Whether its kernel at parameter values `values` (one per parameter,
  /// in order) runs on `chip`: the template's chip and each value's.
  bool runsOn(llvm::StringRef chip, llvm::ArrayRef<int64_t> values) const;
};

/// The compute capability of an NVVM chip name ("sm_90a" -> 90), or 0 when
/// it is not of that form.
int64_t chipVersion(llvm::StringRef chip);

/// Each parameter's default, lowered to its portableMax where `chip` cannot
/// run the default (monarch.fused's cluster 2 becomes 1 on sm_80).
std::vector<int64_t> defaultValues(const ScheduleTemplateDecl &decl,
                                   llvm::StringRef chip);

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
