//===- LearnedModelTest.cpp - Data, models, metrics and search ------------===//
//
// The learned side of the cost model: measurement records (parsing, schema
// checks, a truncated last line), the ranking metrics on hand-computed
// cases, stratified task folds, XGBoost training and a save/load round trip,
// the evolutionary search's proposals, and the models on the committed H100
// data: trained on some tasks, they must rank held-out tasks better than
// the roofline baseline.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/Dataset.h"
#include "mixc/CostModel/Evaluation.h"
#include "mixc/CostModel/Features.h"
#include "mixc/CostModel/Model.h"
#include "mixc/CostModel/Search.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

using namespace mixc;
using namespace mixc::costmodel;

namespace {

/// A record of `task` with the given time (NaN: failed) whose features are
/// all `x` except useful_flops.
std::string record(llvm::StringRef task, int64_t blockM, double timeMs,
                   double x, llvm::StringRef schema = kFeatureSchemaVersion) {
  llvm::json::Array names, features;
  for (const FeatureInfo &info : featureSchema()) {
    names.push_back(info.name);
    features.push_back(info.name == "useful_flops" ? 1e9 : x);
  }
  llvm::json::Object params;
  params["block_m"] = blockM;
  params["warps"] = 4;
  llvm::json::Object object;
  object["schema_version"] = schema;
  object["op"] = "mix.attention";
  object["task"] = task;
  object["template"] = "attention.mma_sync";
  object["params"] = std::move(params);
  object["feature_names"] = std::move(names);
  object["static_features"] = llvm::json::Array(features);
  object["features"] = std::move(features);
  object["status"] = std::isnan(timeMs) ? "FAIL" : "PASS";
  if (!std::isnan(timeMs))
    object["time_ms"] = timeMs;
  std::string text;
  llvm::raw_string_ostream(text) << llvm::json::Value(std::move(object));
  return text;
}

std::string writeTemp(llvm::StringRef text) {
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("mixc-data", "jsonl", path));
  std::ofstream(std::string(path)) << text.str();
  return std::string(path);
}

TEST(Dataset, ParsesRecordsAndOrdersParams) {
  auto m = parseMeasurement(record("t", 64, 0.5, 1.0), "x:1");
  ASSERT_TRUE(bool(m)) << llvm::toString(m.takeError());
  EXPECT_EQ(m->task, "t");
  EXPECT_TRUE(m->passed());
  EXPECT_EQ(m->scheduleKey(), "block_m=64,warps=4");
  EXPECT_EQ(m->features.size(), kFeatureCount);
  EXPECT_EQ(m->staticFeatures.size(), kFeatureCount);
}

TEST(Dataset, FeatureNamesAreOptionalButChecked) {
  std::string full = record("t", 64, 0.5, 1.0);
  auto parsed = llvm::json::parse(full);
  ASSERT_TRUE(bool(parsed));
  llvm::json::Object &object = *parsed->getAsObject();
  llvm::json::Array names = *object.getArray("feature_names");
  object.erase("feature_names");
  auto text = [&] {
    std::string out;
    llvm::raw_string_ostream(out)
        << llvm::json::Value(llvm::json::Object(object));
    return out;
  };
  EXPECT_TRUE(bool(parseMeasurement(text(), "x:1")));
  std::swap(names[0], names[1]);
  object["feature_names"] = std::move(names);
  auto swapped = parseMeasurement(text(), "x:2");
  ASSERT_FALSE(bool(swapped));
  EXPECT_NE(llvm::toString(swapped.takeError()).find("not where the schema"),
            std::string::npos);
}

TEST(Dataset, RejectsAnotherSchemaNamingTheLine) {
  auto m = parseMeasurement(record("t", 64, 0.5, 1.0, "mixc-features-0"),
                            "data.jsonl:7");
  ASSERT_FALSE(bool(m));
  std::string message = llvm::toString(m.takeError());
  EXPECT_NE(message.find("data.jsonl:7"), std::string::npos) << message;
  EXPECT_NE(message.find("mixc-features-0"), std::string::npos) << message;
}

TEST(Dataset, SkipsATruncatedLastLineOnly) {
  std::string whole = record("t", 64, 0.5, 1.0) + "\n";
  std::string path = writeTemp(whole + whole.substr(0, whole.size() / 2));
  bool truncated = false;
  auto records = loadMeasurements(path, &truncated);
  ASSERT_TRUE(bool(records)) << llvm::toString(records.takeError());
  EXPECT_EQ(records->size(), 1u);
  EXPECT_TRUE(truncated);
  // The same damage in the middle is an error naming the line.
  std::string middle =
      writeTemp(whole.substr(0, whole.size() / 2) + "\n" + whole);
  auto bad = loadMeasurements(middle);
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find(":1:"), std::string::npos);
  llvm::sys::fs::remove(path);
  llvm::sys::fs::remove(middle);
}

TEST(Evaluation, KendallTauB) {
  EXPECT_DOUBLE_EQ(kendallTauB({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(kendallTauB({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  // Pairs: (1,2)+ (1,3)+ (2,3)- : tau = (2 - 1) / 3.
  EXPECT_NEAR(kendallTauB({1, 2, 3}, {1, 3, 2}), 1.0 / 3, 1e-12);
  // A constant sequence has no order.
  EXPECT_DOUBLE_EQ(kendallTauB({1, 1, 1}, {1, 2, 3}), 0.0);
}

TEST(Evaluation, TopOneAndAPeak) {
  std::vector<Measurement> data;
  for (auto [blockM, time] :
       {std::pair<int64_t, double>{16, 1.0}, {32, 2.0}, {64, 4.0}})
    data.push_back(
        cantFail(parseMeasurement(record("t", blockM, time, 0), "")));
  data.push_back(cantFail(parseMeasurement(record("t", 128, NAN, 0), "")));
  std::vector<Task> tasks = groupByTask(data);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_DOUBLE_EQ(tasks[0].bestTimeMs, 1.0);
  // The model puts the failed one first, then 2 ms, 4 ms, 1 ms.
  TaskScores scores = evaluateTask(data, tasks[0], {0.5, 0.9, 0.7, 1.0}, 5);
  EXPECT_TRUE(std::isinf(scores.top1Slowdown));
  std::vector<double> expected = {0.0, 0.5, 0.5, 1.0, 1.0};
  EXPECT_EQ(scores.bestOfTop, expected);
  EXPECT_DOUBLE_EQ(scores.apeak(), 3.0 / 5);
  TaskScores perfect = evaluateTask(data, tasks[0], {4, 3, 2, 1}, 2);
  EXPECT_DOUBLE_EQ(perfect.top1Slowdown, 1.0);
  EXPECT_DOUBLE_EQ(perfect.kendallTau, 1.0);
}

TEST(Evaluation, DevicesAreRankedApartAndHeldOutTogether) {
  // One task measured on two devices: its times are not compared across
  // devices (two groups, each normalised by its own best), and cross-
  // validation holds both out in the same fold.
  std::vector<Measurement> data;
  for (auto [device, time] : {std::pair<const char *, double>{"H100", 2.0},
                              {"H200", 1.0},
                              {"H100", 4.0}}) {
    Measurement m = cantFail(parseMeasurement(record("t", 16, time, 0), ""));
    m.device = device;
    data.push_back(m);
  }
  data.push_back(cantFail(parseMeasurement(record("u", 16, 1.0, 0), "")));
  std::vector<Task> tasks = groupByTask(data);
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0].device, "H100");
  EXPECT_EQ(tasks[0].rows, (std::vector<size_t>{0, 2}));
  EXPECT_DOUBLE_EQ(tasks[0].bestTimeMs, 2.0);
  EXPECT_EQ(tasks[1].device, "H200");
  EXPECT_DOUBLE_EQ(tasks[1].bestTimeMs, 1.0);
  std::vector<unsigned> folds = assignFolds(tasks, 2, 7);
  EXPECT_EQ(folds[0], folds[1]);
  EXPECT_NE(folds[0], folds[2]);
}

TEST(Evaluation, FoldsAreStratifiedAndDeterministic) {
  std::vector<Task> tasks;
  for (int i = 0; i < 6; ++i)
    tasks.push_back({"a" + std::to_string(i), "mix.attention", "", {}, 1});
  for (int i = 0; i < 3; ++i)
    tasks.push_back({"s" + std::to_string(i), "mix.ssd", "", {}, 1});
  std::vector<unsigned> folds = assignFolds(tasks, 3, 7);
  EXPECT_EQ(folds, assignFolds(tasks, 3, 7));
  for (unsigned f = 0; f < 3; ++f) {
    int attention = 0, ssd = 0;
    for (size_t i = 0; i < tasks.size(); ++i)
      if (folds[i] == f)
        (tasks[i].op == "mix.ssd" ? ssd : attention) += 1;
    EXPECT_EQ(attention, 2) << "fold " << f;
    EXPECT_EQ(ssd, 1) << "fold " << f;
  }
}

TEST(Model, LearnsAnOrderAndSurvivesSaveAndLoad) {
  // Two tasks where the time falls with feature x: the model must learn
  // that higher x is faster, and score the same after a round trip.
  std::vector<Measurement> data;
  for (llvm::StringRef task : {"t1", "t2"})
    for (int i = 1; i <= 6; ++i)
      data.push_back(cantFail(
          parseMeasurement(record(task, 16 * i, 6.0 / i, double(i)), "")));
  for (ModelKind kind : {ModelKind::Rank, ModelKind::Regression}) {
    TrainOptions options;
    options.kind = kind;
    options.rounds = 20;
    auto model = CostModel::train(data, groupByTask(data), options);
    ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
    std::vector<std::vector<double>> rows = {data[0].staticFeatures,
                                             data[5].staticFeatures};
    auto scores = cantFail(model->score(rows));
    EXPECT_GT(scores[1], scores[0]) << modelKindName(kind).str();

    std::string path = writeTemp("");
    ASSERT_FALSE(bool(model->save(path)));
    auto loaded = CostModel::load(path);
    ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
    EXPECT_EQ(loaded->kind(), kind);
    EXPECT_EQ(cantFail(loaded->score(rows)), scores);
    llvm::sys::fs::remove(path);
  }
}

TEST(Model, LoadRejectsOtherFiles) {
  std::string path = writeTemp(R"({"learner": {"attributes": {}}})");
  auto loaded = CostModel::load(path);
  ASSERT_FALSE(bool(loaded));
  EXPECT_NE(llvm::toString(loaded.takeError()).find("not a mixc cost model"),
            std::string::npos);
  llvm::sys::fs::remove(path);
}

TEST(Search, ProposesDistinctLegalUnmeasuredPoints) {
  AttentionShape op;
  op.batch = 4;
  op.queryHeads = op.keyHeads = 8;
  op.queryLength = op.keyLength = 2048;
  op.headDim = op.valueDim = 128;
  auto space = cantFail(
      ScheduleSpace::get(OpShape::attention(op), "attention.mma_sync"));
  ASSERT_GT(space.count(), 8u);
  // A scorer that prefers large block_m, then large block_n.
  auto score = [](llvm::ArrayRef<IntegerPoint> points) {
    std::vector<double> values;
    for (const IntegerPoint &p : points)
      values.push_back(double(p[0]) * 1000 + double(p[1]));
    return values;
  };
  std::set<IntegerPoint> measured(space.getPoints().begin(),
                                  space.getPoints().begin() + 3);
  std::mt19937_64 random(5);
  SearchOptions options;
  options.epsilon = 0;
  std::vector<Proposal> proposals =
      proposeSchedules(space, score, measured, {}, 4, options, random);
  ASSERT_EQ(proposals.size(), 4u);
  std::set<IntegerPoint> seen;
  for (const Proposal &p : proposals) {
    EXPECT_TRUE(space.contains(p.point));
    EXPECT_FALSE(measured.count(p.point));
    EXPECT_TRUE(seen.insert(p.point).second);
    EXPECT_FALSE(p.explore);
  }
  // The first proposal is the best unmeasured point by the score.
  IntegerPoint best;
  double bestScore = -1;
  for (const IntegerPoint &p : space.getPoints())
    if (!measured.count(p) && score({p}).front() > bestScore) {
      bestScore = score({p}).front();
      best = p;
    }
  EXPECT_EQ(proposals.front().point, best);
  // A search too small to see the whole space still proposes as many as
  // asked, from the rest of the space.
  SearchOptions tiny;
  tiny.population = 2;
  tiny.generations = 0;
  tiny.epsilon = 0;
  size_t want = space.count() - measured.size();
  std::vector<Proposal> all4 =
      proposeSchedules(space, score, measured, {}, want, tiny, random);
  EXPECT_EQ(all4.size(), want);
  std::set<IntegerPoint> distinct;
  for (const Proposal &p : all4)
    distinct.insert(p.point);
  EXPECT_EQ(distinct.size(), want);
  // Asking for more than is left returns what is left.
  std::set<IntegerPoint> all(space.getPoints().begin(),
                             space.getPoints().end());
  all.erase(best);
  EXPECT_EQ(proposeSchedules(space, score, all, {}, 4, options, random).size(),
            1u);
}

TEST(Model, BeatsTheRooflineOnHeldOutTasksOfTheCommittedData) {
  auto data =
      loadMeasurements(MIXC_SOURCE_DIR "/costmodel/data/h100/2026-12-04.jsonl");
  ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
  CrossValidationOptions options;
  options.folds = 3;
  options.train.rounds = 60;
  auto results =
      crossValidate(*data, {ModelKind::Rank, ModelKind::Roofline}, options);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  Summary rank = summarize((*results)[0].tasks),
          roofline = summarize((*results)[1].tasks);
  EXPECT_GE(rank.tasks, 20u);
  EXPECT_GT(rank.meanTau, roofline.meanTau + 0.3);
  EXPECT_GT(rank.meanApeak, roofline.meanApeak);
  EXPECT_LT(rank.meanTop1Slowdown, roofline.meanTop1Slowdown);
}

} // namespace
