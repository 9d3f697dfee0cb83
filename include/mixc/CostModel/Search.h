//===- Search.h - Model-guided evolutionary search of a space ---*- C++ -*-===//
//
// How mixc-tune picks the next schedules to measure: an evolutionary search
// over the legal points of a ScheduleSpace, scored by the cost model.
// The population starts from the best schedules measured so far and uniform
// samples of the space; each generation mutates (one or more parameters
// step to a neighbouring declared choice, or jump to any) and crosses over
// parents picked by tournament, keeping only members of the space. The
// fittest unmeasured points found are proposed, except that each slot is,
// with probability epsilon, a uniformly drawn unmeasured point instead
// (exploration: a model is only as good as the data near its optimum).
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_SEARCH_H
#define MIXC_COSTMODEL_SEARCH_H

#include "mixc/CostModel/ScheduleSpace.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <random>
#include <set>
#include <utility>
#include <vector>

namespace mixc::costmodel {

struct SearchOptions {
  unsigned population = 64;
  unsigned generations = 4;
  /// Probability that a proposal is a uniform random unmeasured point.
  double epsilon = 0.1;
};

/// Scores of points (higher: predicted faster), one per point.
using PointScorer =
    llvm::function_ref<std::vector<double>(llvm::ArrayRef<IntegerPoint>)>;

/// What one proposal is and why.
struct Proposal {
  IntegerPoint point;
  double score = 0;
  bool explore = false; ///< drawn at random (epsilon), not the model's pick
};

/// Up to `count` distinct legal points of `space` not in `measured`, best
/// predicted first. `best` lists measured points by measured speed (fastest
/// first); they seed the population. When the search has seen fewer
/// unmeasured points than asked for, the rest of the space's unmeasured
/// points are ranked instead, so fewer than `count` means that the space
/// has no more.
std::vector<Proposal>
proposeSchedules(const ScheduleSpace &space, PointScorer score,
                 const std::set<IntegerPoint> &measured,
                 llvm::ArrayRef<IntegerPoint> best, size_t count,
                 const SearchOptions &options, std::mt19937_64 &random);

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_SEARCH_H
