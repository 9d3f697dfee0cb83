//===- Evaluation.h - How well a cost model ranks held-out tasks -*- C++
//-*-===//
//
// The tuner asks a model one question: which schedules of this op to measure
// first. The metrics answer it on tasks the model never saw (whole shapes
// held out, not random rows: a row's siblings would leak its task):
//
//   Kendall tau   rank correlation (tau-b) of the scores with the measured
//                 throughput over the task's candidates.
//   top-1         the measured time of the model's top pick over the best
//                 measured time (1 is perfect; 1.10 is 10% slower).
//   a-peak@k      mean over j = 1..k of (best measured throughput among the
//                 model's top j) / (best measured): how close a tuner that
//                 measures the top k in order gets, on average over its k
//                 steps. A task with fewer than k candidates reaches 1.
//
// Failed candidates count as throughput 0.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_EVALUATION_H
#define MIXC_COSTMODEL_EVALUATION_H

#include "mixc/CostModel/Dataset.h"
#include "mixc/CostModel/Model.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mixc::costmodel {

/// The metrics of one held-out task.
struct TaskScores {
  std::string task, op, device;
  size_t candidates = 0;
  double kendallTau = 0;
  double top1Slowdown = 0; ///< infinity when the top pick failed
  /// bestOfTop[j-1]: best measured throughput among the top j predicted,
  /// over the best measured, for j = 1..k.
  std::vector<double> bestOfTop;
  /// The mean of bestOfTop over j = 1..k (all of it by default).
  double apeak(size_t k = SIZE_MAX) const;
};

/// Scores `scores` (one per row of `task`, in task.rows order) against the
/// measurements, up to k = `maxK`.
TaskScores evaluateTask(llvm::ArrayRef<Measurement> data, const Task &task,
                        llvm::ArrayRef<double> scores, unsigned maxK = 32);

/// Kendall's tau-b of two sequences (0 when either is constant).
double kendallTauB(llvm::ArrayRef<double> x, llvm::ArrayRef<double> y);

/// Fold of each task: stratified by op (each fold gets its share of every
/// mixer family), shuffled with `seed`, deterministic.
std::vector<unsigned> assignFolds(llvm::ArrayRef<Task> tasks, unsigned folds,
                                  uint64_t seed);

struct CrossValidationOptions {
  unsigned folds = 5;
  uint64_t seed = 0;
  unsigned maxK = 32;
  TrainOptions train; ///< its kind is overridden per model
  /// Called with a line per trained fold (progress output).
  std::function<void(llvm::StringRef)> progress;
};

/// The held-out metrics of one model kind, every task held out once.
struct CrossValidation {
  ModelKind kind;
  std::vector<TaskScores> tasks;
};

/// Task-grouped k-fold cross-validation of each kind in `kinds`.
llvm::Expected<std::vector<CrossValidation>>
crossValidate(llvm::ArrayRef<Measurement> data, llvm::ArrayRef<ModelKind> kinds,
              const CrossValidationOptions &options);

/// Means over tasks (those of `op` when not empty).
struct Summary {
  size_t tasks = 0;
  double meanTau = 0;
  double meanTop1Slowdown = 0, maxTop1Slowdown = 0;
  double within10 = 0; ///< fraction of tasks whose top-1 is within 10%
  double meanApeak = 0;
  /// a-peak@8: spaces of 30 to 40 schedules (attention, SSD) saturate
  /// a-peak@32 near 1; the first 8 trials still tell models apart.
  double meanApeak8 = 0;
  std::vector<double> meanBestOfTop; ///< the a-peak curve, per j
};
Summary summarize(llvm::ArrayRef<TaskScores> tasks, llvm::StringRef op = "");

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_EVALUATION_H
