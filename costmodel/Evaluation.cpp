//===- Evaluation.cpp - How well a cost model ranks held-out tasks --------===//

#include "mixc/CostModel/Evaluation.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

using namespace mixc::costmodel;

double TaskScores::apeak(size_t k) const {
  size_t n = std::min(k, bestOfTop.size());
  if (n == 0)
    return 0;
  return std::accumulate(bestOfTop.begin(), bestOfTop.begin() + n, 0.0) /
         double(n);
}

double mixc::costmodel::kendallTauB(llvm::ArrayRef<double> x,
                                    llvm::ArrayRef<double> y) {
  assert(x.size() == y.size() && "tau of sequences of different lengths");
  double concordant = 0, discordant = 0, tiesX = 0, tiesY = 0, pairs = 0;
  for (size_t i = 0; i < x.size(); ++i)
    for (size_t j = i + 1; j < x.size(); ++j) {
      double dx = x[i] - x[j], dy = y[i] - y[j];
      pairs += 1;
      if (dx == 0)
        tiesX += 1;
      if (dy == 0)
        tiesY += 1;
      if (dx * dy > 0)
        concordant += 1;
      else if (dx * dy < 0)
        discordant += 1;
    }
  double denominator = std::sqrt((pairs - tiesX) * (pairs - tiesY));
  return denominator > 0 ? (concordant - discordant) / denominator : 0;
}

TaskScores mixc::costmodel::evaluateTask(llvm::ArrayRef<Measurement> data,
                                         const Task &task,
                                         llvm::ArrayRef<double> scores,
                                         unsigned maxK) {
  assert(scores.size() == task.rows.size() && "one score per candidate");
  TaskScores result;
  result.task = task.key;
  result.device = task.device;
  result.op = task.op;
  result.candidates = task.rows.size();
  std::vector<double> throughput;
  for (size_t row : task.rows)
    throughput.push_back(normalizedThroughput(data[row], task));
  result.kendallTau = kendallTauB(scores, throughput);

  // The model's order; ties keep the data's order, so a model that cannot
  // tell candidates apart gets no luck from the sort.
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  double top = throughput[order.front()];
  result.top1Slowdown = top > 0 ? 1 / top : INFINITY;
  double best = 0;
  for (unsigned j = 0; j < maxK; ++j) {
    if (j < order.size())
      best = std::max(best, throughput[order[j]]);
    result.bestOfTop.push_back(best);
  }
  return result;
}

std::vector<unsigned> mixc::costmodel::assignFolds(llvm::ArrayRef<Task> tasks,
                                                   unsigned folds,
                                                   uint64_t seed) {
  // Tasks of each op in key order, then shuffled by a seeded Fisher-Yates
  // (std::shuffle's algorithm is unspecified: folds must not change with
  // the standard library).
  // A task measured on several devices is held out on all of them at once.
  std::map<std::string, std::set<std::string>> byOp;
  for (const Task &task : tasks)
    byOp[task.op].insert(task.key);
  std::mt19937_64 random(seed);
  std::map<std::string, unsigned> foldOfKey;
  unsigned next = 0;
  for (auto &[op, keySet] : byOp) {
    std::vector<std::string> keys(keySet.begin(), keySet.end());
    for (size_t i = keys.size(); i > 1; --i)
      std::swap(keys[i - 1], keys[random() % i]);
    for (const std::string &key : keys)
      foldOfKey[key] = next++ % folds;
  }
  std::vector<unsigned> fold;
  for (const Task &task : tasks)
    fold.push_back(foldOfKey[task.key]);
  return fold;
}

llvm::Expected<std::vector<CrossValidation>>
mixc::costmodel::crossValidate(llvm::ArrayRef<Measurement> data,
                               llvm::ArrayRef<ModelKind> kinds,
                               const CrossValidationOptions &options) {
  std::vector<Task> tasks = groupByTask(data);
  if (tasks.size() < 2)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cross-validation needs at least 2 tasks "
                                   "with measured candidates; the data has " +
                                       std::to_string(tasks.size()));
  unsigned folds =
      std::min<unsigned>(std::max(options.folds, 2u), unsigned(tasks.size()));
  std::vector<unsigned> fold = assignFolds(tasks, folds, options.seed);

  std::vector<CrossValidation> results;
  for (ModelKind kind : kinds) {
    CrossValidation result{kind, {}};
    for (unsigned f = 0; f < folds; ++f) {
      std::vector<Task> train, test;
      for (auto [index, task] : llvm::enumerate(tasks))
        (fold[index] == f ? test : train).push_back(task);
      if (test.empty())
        continue;
      TrainOptions trainOptions = options.train;
      trainOptions.kind = kind;
      llvm::Expected<CostModel> model =
          CostModel::train(data, train, trainOptions);
      if (!model)
        return model.takeError();
      for (const Task &task : test) {
        std::vector<std::vector<double>> rows;
        for (size_t row : task.rows) {
          llvm::Expected<const std::vector<double> *> input =
              model->inputOf(data[row]);
          if (!input)
            return input.takeError();
          rows.push_back(**input);
        }
        llvm::Expected<std::vector<double>> scores = model->score(rows);
        if (!scores)
          return scores.takeError();
        result.tasks.push_back(evaluateTask(data, task, *scores, options.maxK));
      }
      if (options.progress)
        options.progress((modelKindName(kind) + ": fold " + llvm::Twine(f + 1) +
                          "/" + llvm::Twine(folds) + " (" +
                          llvm::Twine(test.size()) + " held-out tasks)")
                             .str());
    }
    results.push_back(std::move(result));
  }
  return results;
}

Summary mixc::costmodel::summarize(llvm::ArrayRef<TaskScores> tasks,
                                   llvm::StringRef op) {
  Summary summary;
  for (const TaskScores &task : tasks) {
    if (!op.empty() && task.op != op)
      continue;
    ++summary.tasks;
    summary.meanTau += task.kendallTau;
    summary.meanTop1Slowdown += task.top1Slowdown;
    summary.maxTop1Slowdown =
        std::max(summary.maxTop1Slowdown, task.top1Slowdown);
    summary.within10 += task.top1Slowdown <= 1.10 ? 1 : 0;
    summary.meanApeak += task.apeak();
    summary.meanApeak8 += task.apeak(8);
    if (summary.meanBestOfTop.size() < task.bestOfTop.size())
      summary.meanBestOfTop.resize(task.bestOfTop.size(), 0);
    for (auto [sum, value] : llvm::zip(summary.meanBestOfTop, task.bestOfTop))
      sum += value;
  }
  if (summary.tasks == 0)
    return summary;
  double n = double(summary.tasks);
  summary.meanTau /= n;
  summary.meanTop1Slowdown /= n;
  summary.within10 /= n;
  summary.meanApeak /= n;
  summary.meanApeak8 /= n;
  for (double &value : summary.meanBestOfTop)
    value /= n;
  return summary;
}
