//===- Dataset.h - Measured schedules: the cost model's data ----*- C++ -*-===//
//
// A measurement record is one JSON line: the feature record of
// `mixc-space --features` (Features.h: "schema_version", "op", "task",
// "template", "params", "feature_names", "features") joined with what
// mixc-bench measured ("status", "time_ms", ...). The committed data
// (costmodel/data/<gpu>/*.jsonl, bench/join_dataset.py) and mixc-tune's
// database use this one format, so the model trains on either.
//
// No MLIR here: the learned model, its evaluation and the tuner's database
// need only these records.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_DATASET_H
#define MIXC_COSTMODEL_DATASET_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mixc::mix {
struct ScheduleTemplateDecl;
} // namespace mixc::mix

namespace mixc::costmodel {

/// One (task, schedule) candidate and its outcome.
struct Measurement {
  std::string task;         ///< taskKey() of the op: what a schedule tunes
  std::string op;           ///< "mix.attention"
  std::string templateName; ///< "attention.mma_sync"
  /// The schedule: parameter values by name, in the record's order.
  std::vector<std::pair<std::string, int64_t>> params;
  /// Unscaled features in schema order, ptxas's numbers included when the
  /// candidate was compiled.
  std::vector<double> features;
  /// The same without the compiled candidate's numbers (what a tuner sees
  /// before compiling); empty when the record has none.
  std::vector<double> staticFeatures;
  /// PASS (ran, matched the reference, timed), FAIL (wrong results),
  /// FAULTED, ERROR, TIMEOUT, COMPILE_ERROR, NOT_MEASURED, PASS_UNCHECKED.
  std::string status;
  double timeMs = std::numeric_limits<double>::quiet_NaN();
  /// Where and when it was measured ("NVIDIA H200", ISO date); may be empty.
  std::string device, date;
  /// "FILE:LINE" of the record, for messages.
  std::string source;

  /// Ran correctly and was timed: a throughput to learn from.
  bool passed() const { return status == "PASS" && timeMs > 0; }
  /// Was tried and cannot run correctly: the worst throughput (0).
  bool failed() const;
  /// "block_m=64,block_n=32,warps=4,stages=2": the schedule's identity
  /// within its task.
  std::string scheduleKey() const;
};

/// `m`'s schedule as one value per parameter of `decl`, in declared order
/// (the default where the record omits one), or std::nullopt when it names
/// a parameter `decl` does not declare or a value it does not allow.
std::optional<llvm::SmallVector<int64_t, 8>>
schedulePoint(const Measurement &m, const mix::ScheduleTemplateDecl &decl);

/// Parses one record; errors name `where` ("FILE:LINE"). Records of another
/// feature schema, or whose feature names differ from this build's schema,
/// are errors: a model must not mix schemas.
llvm::Expected<Measurement> parseMeasurement(llvm::StringRef line,
                                             llvm::StringRef where);

/// Every record of a JSONL file (blank lines skipped). A truncated last line
/// (a killed writer) is skipped with `truncatedLast` set rather than failing;
/// any other bad line is an error naming FILE:LINE.
llvm::Expected<std::vector<Measurement>>
loadMeasurements(llvm::StringRef path, bool *truncatedLast = nullptr);

/// The candidates of one task measured on one device (times of different
/// devices are not ranked against each other), of any template.
struct Task {
  std::string key, op, device;
  std::vector<size_t> rows; ///< indices into the measurement list
  double bestTimeMs = std::numeric_limits<double>::quiet_NaN();
};

/// The (task, device) groups of `data` in first-seen order, each with the
/// rows that the model can learn from: passed candidates and failed ones
/// (throughput 0).
/// Rows NOT_MEASURED (or unchecked) are left out. Tasks with no passed
/// candidate are left out (nothing to normalise by).
std::vector<Task> groupByTask(llvm::ArrayRef<Measurement> data);

/// A candidate's throughput relative to its task's best: best time over its
/// time, in (0, 1]; 0 for a failed one.
double normalizedThroughput(const Measurement &m, const Task &task);

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_DATASET_H
