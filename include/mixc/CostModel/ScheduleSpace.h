//===- ScheduleSpace.h - Legal schedules as integer sets --------*- C++ -*-===//
//
// The schedule space of a (mix op, kernel template) pair: every assignment of
// the template's parameters that its kernel builder accepts for that op's
// shapes, as the integer points of a Presburger set. The tuner enumerates
// and samples it; whatever it proposes is a member, so an illegal schedule
// never reaches the compiler.
//
// The set has one dimension per template parameter (in declared order, as
// ScheduleTemplates.cpp lists them), holding the parameter's value. It is a
// union of convex pieces, one per combination of the template's *case
// parameters* (those that a rule multiplies with another parameter, like
// warps in block_m % (16 * warps) == 0, or that a builder's search depends
// on, like monarch.fused's block_tokens): within a piece they are
// constants, so every rule is affine. Each parameter ranges over its
// declared choices (SetBuilder::addMemberOf), and the builder's rules are
// added as affine constraints with floor-division locals for divisibility
// and alignment.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_SCHEDULESPACE_H
#define MIXC_COSTMODEL_SCHEDULESPACE_H

#include "mixc/CostModel/IntegerSets.h"
#include "mixc/CostModel/OpShape.h"
#include "mixc/Passes/KernelLayouts.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace mixc::mix {
struct ScheduleTemplateDecl;
} // namespace mixc::mix

namespace mixc::costmodel {

/// Limits of the GPU the builders plan for (sm_80/sm_90): the builders' own
/// constants (mixc/Passes/KernelLayouts.h).
using kernels::kMaxSharedBytesPerBlock;
using kernels::kSharedAlignment;
using kernels::kStaticSharedBytes;

/// One convex piece of a schedule space under construction: the template's
/// parameters as dimensions, the case parameters fixed.
class RuleBuilder : public SetBuilder {
public:
  RuleBuilder(const mix::ScheduleTemplateDecl &decl,
              llvm::ArrayRef<std::pair<llvm::StringRef, int64_t>> caseValues);

  /// The dimension of parameter `name`.
  AffineForm param(llvm::StringRef name) const;
  /// The value of case parameter `name` in this piece.
  int64_t caseValue(llvm::StringRef name) const;
  /// The declared choices of parameter `name`.
  llvm::ArrayRef<int64_t> choices(llvm::StringRef name) const;
  /// No schedule is legal for this op: `reason` is the builder's refusal
  /// ("... does not lower an additive bias"). Rules that depend only on the
  /// op's shape use this rather than an infeasible constraint, so the
  /// reason reaches the user.
  void refuse(const llvm::Twine &reason);
  const std::string &getRefusal() const { return refusal; }

private:
  const mix::ScheduleTemplateDecl &decl;
  llvm::SmallVector<std::pair<llvm::StringRef, int64_t>, 4> caseValues;
  std::string refusal;
};

/// The rules of one kernel template. Adding a template's space is one such
/// entry and one function (see ScheduleSpace.cpp).
struct TemplateRules {
  llvm::StringRef templateName;
  /// Parameters fixed within each convex piece.
  llvm::SmallVector<llvm::StringRef, 4> caseParams;
  /// Adds the builder's rules for `shape` to one piece.
  void (*addRules)(const OpShape &shape, RuleBuilder &rules);
};

/// The rules of template `name`, or null when none are written yet.
const TemplateRules *lookupTemplateRules(llvm::StringRef name);

/// Templates that have rules, in the template table's order.
std::vector<llvm::StringRef> templatesWithRules();

class ScheduleSpace {
public:
  /// The space of template `templateName` for `shape`. Errors: an unknown
  /// template, one that lowers another op, one without rules yet ("no
  /// schedule space for template 'ssd.chunked' yet"). An op that the builder
  /// refuses whatever the schedule gives an empty space with the refusal.
  static llvm::Expected<ScheduleSpace> get(const OpShape &shape,
                                           llvm::StringRef templateName);

  const mix::ScheduleTemplateDecl &getTemplate() const { return *decl; }
  llvm::StringRef getTemplateName() const;
  std::vector<llvm::StringRef> getParamNames() const;
  const mlir::presburger::PresburgerSet &getSet() const { return set; }
  /// Why the space is empty whatever the schedule (empty when it is not).
  llvm::StringRef getRefusal() const { return refusal; }

  /// Whether `point` (one value per parameter) is a legal schedule.
  bool contains(llvm::ArrayRef<int64_t> point) const;
  /// Every legal schedule, lexicographically ordered.
  llvm::ArrayRef<IntegerPoint> getPoints() const { return points; }
  size_t count() const { return points.size(); }
  /// `k` distinct legal schedules drawn uniformly (all when k >= count).
  std::vector<IntegerPoint> sample(size_t k, uint64_t seed) const;

  /// "block_m=64, block_n=32, warps=4, stages=2".
  std::string format(llvm::ArrayRef<int64_t> point) const;

private:
  ScheduleSpace(const mix::ScheduleTemplateDecl *decl,
                mlir::presburger::PresburgerSet set)
      : decl(decl), set(std::move(set)) {}

  const mix::ScheduleTemplateDecl *decl;
  mlir::presburger::PresburgerSet set;
  std::string refusal;
  std::vector<IntegerPoint> points;
};

/// The dynamic shared memory (bytes) that monarch.fused's builder plans for
/// `op` at this schedule (`residentFactors`, `blocksPerSM`, `tma`: the
/// values of resident_factors, blocks_per_sm and tma; the space compares it
/// with kernels::sharedBudget(blocksPerSM)), or std::nullopt when `cluster`
/// does not divide both block counts or tma's limits fail (boxes of at most
/// 256 rows, resident factors). The
/// builder chooses its staging group and ring slots by a search over divisors
/// and tilings (planMonarchLayout in mixc/Passes/KernelLayouts.h, which this
/// calls): the amount is not affine in block_tokens, so its space fixes
/// block_tokens per piece.
std::optional<int64_t> monarchFusedSharedBytes(
    const MonarchShape &op, int64_t blockTokens, int64_t warps, int64_t stages,
    int64_t cluster, int64_t residentFactors, int64_t blocksPerSM, int64_t tma);

/// The product of the declared choices of every parameter of `decl`
/// (everything the #mix.schedule verifier accepts), lexicographic.
std::vector<IntegerPoint>
cartesianChoices(const mix::ScheduleTemplateDecl &decl);

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_SCHEDULESPACE_H
