//===- Model.h - Learned and analytical cost models -------------*- C++ -*-===//
//
// Ranks the candidate schedules of one task by predicted speed. Four kinds:
//
//   rank          XGBoost pairwise ranking (rank:pairwise), one query group
//                 per task: learns which of two schedules of the same op is
//                 faster, the only question a tuner asks.
//   regression    XGBoost regression of the normalised throughput (the
//                 task's best time over the candidate's time), each sample
//                 weighted by that throughput, as Ansor does: errors on the
//                 fast candidates cost most.
//   metaschedule  The MetaSchedule-style baseline: the same features and
//                 target with plain squared error.
//   roofline      The analytical baseline, no training: the time the
//                 roofline of an H100 gives for the kernel's executed FLOPs
//                 and tiled bytes, stretched by the last partial wave.
//
// The models read the feature schema of Features.h, scaled as it says. By
// default they read the features known before compiling ("static"), so a
// tuner can rank schedules it has not compiled; "compiled" adds ptxas's
// registers and spills. A saved model is XGBoost's own JSON model file,
// with the kind, the feature schema version and names, and what it was
// trained on as booster attributes ("mixc_*"); the roofline saves those keys
// alone.
//
// No MLIR here; only this file's implementation includes XGBoost.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_MODEL_H
#define MIXC_COSTMODEL_MODEL_H

#include "mixc/CostModel/Dataset.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mixc::costmodel {

enum class ModelKind { Rank, Regression, MetaSchedule, Roofline };
llvm::StringRef modelKindName(ModelKind kind);
std::optional<ModelKind> parseModelKind(llvm::StringRef name);
/// Every kind, learned ones first.
llvm::ArrayRef<ModelKind> allModelKinds();

/// Which features a model reads.
enum class FeatureInputs {
  Static,   ///< known before compiling (Measurement::staticFeatures)
  Compiled, ///< with ptxas's numbers (Measurement::features)
};

struct TrainOptions {
  ModelKind kind = ModelKind::Rank;
  FeatureInputs inputs = FeatureInputs::Static;
  unsigned rounds = 200;
  unsigned maxDepth = 6;
  double learningRate = 0.1;
  uint64_t seed = 0;
  /// XGBoost's threads; 0: all cores. One by default: the data is
  /// thousands of rows, and OpenMP threads that spin on a busy machine (the
  /// tuner compiles beside them) cost more than they save.
  unsigned threads = 1;
};

class CostModel {
public:
  CostModel(CostModel &&) noexcept;
  CostModel &operator=(CostModel &&) noexcept;
  ~CostModel();

  /// Trains on the rows of `tasks` (groupByTask over `data`). Errors: no
  /// rows, records without the static features a static model needs, an
  /// XGBoost failure.
  static llvm::Expected<CostModel> train(llvm::ArrayRef<Measurement> data,
                                         llvm::ArrayRef<Task> tasks,
                                         const TrainOptions &options);
  /// The roofline baseline (no data).
  static CostModel roofline(FeatureInputs inputs = FeatureInputs::Static);

  static llvm::Expected<CostModel> load(llvm::StringRef path);
  llvm::Error save(llvm::StringRef path) const;

  /// One score per row of unscaled features in schema order: higher means
  /// predicted faster. Scores order the candidates of one task; across
  /// tasks they mean nothing for `rank`.
  llvm::Expected<std::vector<double>>
  score(llvm::ArrayRef<std::vector<double>> rows) const;
  /// The features of `m` this model reads; errors when the record lacks
  /// them (a static model on a record without "static_features").
  llvm::Expected<const std::vector<double> *>
  inputOf(const Measurement &m) const;

  ModelKind kind() const { return modelKind; }
  FeatureInputs inputs() const { return featureInputs; }
  /// "rank (static features; 1442 rows of 30 tasks, 200 rounds)".
  std::string describe() const;

private:
  struct Booster;
  CostModel(ModelKind kind, FeatureInputs inputs);

  ModelKind modelKind;
  FeatureInputs featureInputs;
  std::unique_ptr<Booster> booster; ///< null for the roofline
  size_t trainRows = 0, trainTasks = 0;
  unsigned rounds = 0;
};

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_MODEL_H
