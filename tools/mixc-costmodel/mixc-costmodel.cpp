//===- mixc-costmodel.cpp - Train and evaluate the learned cost model -----===//
//
//   mixc-costmodel train DATA.jsonl... -o MODEL.json [--kind rank] ...
//   mixc-costmodel eval DATA.jsonl... [--folds 5] [--report REPORT.md]
//                                     [--plot PLOT.svg]
//
// `train` fits one model on every task of the data (measurement records:
// costmodel/data/<gpu>/*.jsonl or a mixc-tune database). `eval` holds whole
// tasks out (task-grouped k-fold), scores every model kind on them and
// prints Kendall tau, top-1 and a-peak@32; --report writes the Markdown
// report (costmodel/REPORT.md is this command's output) and --plot the
// a-peak curve as SVG.
//
// No MLIR: only the records, XGBoost and LLVM's Support library.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/Dataset.h"
#include "mixc/CostModel/Evaluation.h"
#include "mixc/CostModel/Features.h"
#include "mixc/CostModel/Model.h"
#include "mixc/CostModel/Plot.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <map>
#include <tuple>

using namespace mixc::costmodel;
namespace cl = llvm::cl;

static cl::SubCommand trainCommand(
    "train", "Train one model on every task of the data and save it as JSON");
static cl::SubCommand evalCommand(
    "eval", "Task-grouped cross-validation of every model kind: Kendall tau, "
            "top-1 and a-peak@32 on held-out tasks");

static cl::list<std::string> trainData(cl::Positional, cl::OneOrMore,
                                       cl::desc("<data.jsonl>..."),
                                       cl::sub(trainCommand));
static cl::list<std::string> evalData(cl::Positional, cl::OneOrMore,
                                      cl::desc("<data.jsonl>..."),
                                      cl::sub(evalCommand));
static cl::opt<std::string> outputModel("o",
                                        cl::desc("Where to save the model"),
                                        cl::value_desc("model.json"),
                                        cl::Required, cl::sub(trainCommand));
static cl::opt<std::string>
    kindName("kind",
             cl::desc("rank (default), regression, metaschedule or roofline"),
             cl::init("rank"), cl::sub(trainCommand));
static cl::list<std::string>
    kindNames("kinds", cl::CommaSeparated,
              cl::desc("Model kinds to evaluate (default: all)"),
              cl::sub(evalCommand));
static cl::opt<bool> compiledInputs(
    "compiled-features",
    cl::desc("Read ptxas's registers and spills too (the model then needs "
             "compiled candidates; by default it reads the features known "
             "before compiling, as the tuner ranks uncompiled schedules)"),
    cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<unsigned> rounds("rounds", cl::desc("Boosting rounds"),
                                cl::init(200), cl::sub(trainCommand),
                                cl::sub(evalCommand));
static cl::opt<unsigned> maxDepth("max-depth", cl::desc("Tree depth"),
                                  cl::init(6), cl::sub(trainCommand),
                                  cl::sub(evalCommand));
static cl::opt<double> learningRate("eta", cl::desc("Learning rate"),
                                    cl::init(0.1), cl::sub(trainCommand),
                                    cl::sub(evalCommand));
static cl::opt<uint64_t> seed("seed",
                              cl::desc("Seed of XGBoost and of the folds"),
                              cl::init(0), cl::sub(trainCommand),
                              cl::sub(evalCommand));
static cl::opt<unsigned> threads("threads",
                                 cl::desc("XGBoost threads (default 1; 0: all "
                                          "cores)"),
                                 cl::init(1), cl::sub(trainCommand),
                                 cl::sub(evalCommand));
static cl::opt<unsigned> folds("folds",
                               cl::desc("Folds of held-out tasks (default 5)"),
                               cl::init(5), cl::sub(evalCommand));
static cl::opt<std::string> reportPath("report",
                                       cl::desc("Write the Markdown report"),
                                       cl::value_desc("REPORT.md"),
                                       cl::sub(evalCommand));
static cl::opt<std::string>
    plotPath("plot",
             cl::desc("Write the a-peak curves (best of the top k) as SVG"),
             cl::value_desc("plot.svg"), cl::sub(evalCommand));

namespace {

int fail(const llvm::Twine &message) {
  llvm::errs() << "mixc-costmodel: " << message << "\n";
  return 1;
}

/// Every record of every file, with a count per status.
llvm::Expected<std::vector<Measurement>>
loadAll(llvm::ArrayRef<std::string> paths) {
  std::vector<Measurement> all;
  for (const std::string &path : paths) {
    bool truncated = false;
    auto records = loadMeasurements(path, &truncated);
    if (!records)
      return records.takeError();
    if (truncated)
      llvm::errs() << "mixc-costmodel: " << path
                   << ": skipped a truncated last line\n";
    std::move(records->begin(), records->end(), std::back_inserter(all));
  }
  return all;
}

TrainOptions trainOptions() {
  TrainOptions options;
  options.inputs =
      compiledInputs ? FeatureInputs::Compiled : FeatureInputs::Static;
  options.rounds = rounds;
  options.maxDepth = maxDepth;
  options.learningRate = learningRate;
  options.seed = seed;
  options.threads = threads;
  return options;
}

std::string fixed(double value, int digits) {
  if (std::isinf(value))
    return "failed";
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.*f", digits, value);
  return text;
}

int runTrain() {
  std::optional<ModelKind> kind = parseModelKind(kindName);
  if (!kind)
    return fail("unknown --kind '" + kindName +
                "' (rank, regression, metaschedule, roofline)");
  auto data = loadAll(trainData);
  if (!data)
    return fail(llvm::toString(data.takeError()));
  std::vector<Task> tasks = groupByTask(*data);
  TrainOptions options = trainOptions();
  options.kind = *kind;
  auto start = std::chrono::steady_clock::now();
  auto model = CostModel::train(*data, tasks, options);
  if (!model)
    return fail(llvm::toString(model.takeError()));
  if (llvm::Error error = model->save(outputModel))
    return fail(llvm::toString(std::move(error)));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  llvm::outs() << "mixc-costmodel: " << model->describe() << " in "
               << fixed(seconds, 1) << " s -> " << outputModel << "\n";
  return 0;
}

/// What the data holds: records, tasks per op, devices and dates.
struct DataSummary {
  size_t records = 0;
  std::map<std::string, size_t> statuses;
  std::map<std::string, size_t> tasksPerOp, candidatesPerOp;
  llvm::StringSet<> devices;
  std::string firstDate, lastDate;
};

DataSummary describeData(llvm::ArrayRef<Measurement> data,
                         llvm::ArrayRef<Task> tasks) {
  DataSummary summary;
  summary.records = data.size();
  for (const Measurement &m : data) {
    ++summary.statuses[m.status];
    if (!m.device.empty())
      summary.devices.insert(m.device);
    if (!m.date.empty()) {
      std::string day = m.date.substr(0, 10);
      if (summary.firstDate.empty() || day < summary.firstDate)
        summary.firstDate = day;
      if (day > summary.lastDate)
        summary.lastDate = day;
    }
  }
  for (const Task &task : tasks) {
    ++summary.tasksPerOp[task.op];
    summary.candidatesPerOp[task.op] += task.rows.size();
  }
  return summary;
}

void writeReport(llvm::raw_ostream &os, llvm::ArrayRef<std::string> inputs,
                 const DataSummary &data,
                 llvm::ArrayRef<CrossValidation> results, unsigned foldCount,
                 const TrainOptions &options, llvm::StringRef plotLink) {
  os << "# Cost model report\n\n"
     << "Generated by `mixc-costmodel eval";
  for (const std::string &input : inputs)
    os << " " << input;
  os << " --folds " << foldCount << " --report " << reportPath;
  if (!plotPath.empty())
    os << " --plot " << plotPath;
  os << "`; do not edit by hand.\n\n";

  os << "## Data\n\n" << data.records << " records (";
  bool first = true;
  for (const auto &[status, count] : data.statuses) {
    os << (first ? "" : ", ") << count << " " << status;
    first = false;
  }
  os << ")";
  if (!data.devices.empty()) {
    os << " measured on ";
    bool firstDevice = true;
    for (const auto &device : data.devices.keys()) {
      os << (firstDevice ? "" : " and ") << device;
      firstDevice = false;
    }
  }
  if (!data.firstDate.empty())
    os << ", " << data.firstDate
       << (data.lastDate != data.firstDate ? " to " + data.lastDate : "");
  os << ". Learned from (passed and failed candidates):\n\n"
     << "| op | tasks | candidates |\n|---|---:|---:|\n";
  for (const auto &[op, count] : data.tasksPerOp)
    os << "| " << op << " | " << count << " | " << data.candidatesPerOp.at(op)
       << " |\n";

  os << "\n## Method\n\n"
     << "Task-grouped " << foldCount
     << "-fold cross-validation: each task (one op at one shape) is held out "
        "once, with every one of its schedules (of every template, ranked "
        "among those measured on the same device), and scored by a model "
        "trained on the other folds' tasks only; folds are stratified by op. "
        "Learned models read the features known before compiling (schema `"
     << kFeatureSchemaVersion << "`"
     << (options.inputs == FeatureInputs::Compiled
             ? ", plus ptxas's registers and spills"
             : "")
     << "), XGBoost with " << options.rounds << " rounds, depth "
     << options.maxDepth << ", eta " << llvm::format("%g", options.learningRate)
     << ", " << options.threads << " thread(s).\n\n"
     << "- **rank**: pairwise ranking (`rank:pairwise`), one group per "
        "task.\n"
     << "- **regression**: normalised throughput (task best time / time), "
        "squared error weighted by that throughput (Ansor's loss).\n"
     << "- **metaschedule**: the MetaSchedule-style baseline: the same "
        "target, unweighted squared error.\n"
     << "- **roofline**: analytical, untrained: max(executed FLOPs / 989 "
        "TFLOP/s, tiled bytes / 3.35 TB/s) over the last wave's "
        "efficiency.\n\n"
     << "Metrics per held-out task, then averaged: Kendall tau-b of the "
        "scores with the measured throughput; top-1: the measured time of "
        "the top pick over the best measured time (target: within 1.10); "
        "a-peak@32: mean over j = 1..32 of the best measured throughput among "
        "the top j picks over the best measured; a-peak@8 the same over j = "
        "1..8 (most spaces here hold 30 to 40 schedules, so a-peak@32 nears 1 "
        "for any model that is not poor).\n\n";

  os << "## Results on held-out tasks\n\n"
     << "| model | op | tasks | Kendall tau | top-1 mean | top-1 worst | "
        "top-1 within 10% | a-peak@8 | a-peak@32 |\n"
     << "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  std::vector<std::string> ops = {""};
  for (const auto &[op, count] : data.tasksPerOp)
    ops.push_back(op);
  for (const CrossValidation &result : results)
    for (const std::string &op : ops) {
      Summary s = summarize(result.tasks, op);
      if (s.tasks == 0)
        continue;
      os << "| " << (op.empty() ? "**" : "") << modelKindName(result.kind)
         << (op.empty() ? "**" : "") << " | " << (op.empty() ? "all" : op)
         << " | " << s.tasks << " | " << fixed(s.meanTau, 3) << " | "
         << fixed(s.meanTop1Slowdown, 3) << "x | "
         << fixed(s.maxTop1Slowdown, 3) << "x | " << fixed(100 * s.within10, 0)
         << "% | " << fixed(s.meanApeak8, 3) << " | " << fixed(s.meanApeak, 3)
         << " |\n";
    }
  if (!plotLink.empty())
    os << "\n![a-peak curves](" << plotLink << ")\n";

  os << "\n## Targets\n\n";
  auto find = [&](ModelKind kind) -> const CrossValidation * {
    for (const CrossValidation &result : results)
      if (result.kind == kind)
        return &result;
    return nullptr;
  };
  if (const CrossValidation *rank = find(ModelKind::Rank)) {
    Summary r = summarize(rank->tasks);
    os << "- Top-1 pick within 10% of the best measured: rank model "
       << fixed(100 * r.within10, 0) << "% of held-out tasks (mean "
       << fixed(r.meanTop1Slowdown, 3) << "x, worst "
       << fixed(r.maxTop1Slowdown, 3) << "x).\n";
    if (const CrossValidation *meta = find(ModelKind::MetaSchedule)) {
      Summary m = summarize(meta->tasks);
      os << "- a-peak@32 above the MetaSchedule-style baseline: rank "
         << fixed(r.meanApeak, 3) << " vs " << fixed(m.meanApeak, 3) << " ("
         << (r.meanApeak > m.meanApeak ? "met" : "not met")
         << "); a-peak@8: " << fixed(r.meanApeak8, 3) << " vs "
         << fixed(m.meanApeak8, 3) << ".\n";
    }
    if (const CrossValidation *roof = find(ModelKind::Roofline)) {
      Summary f = summarize(roof->tasks);
      os << "- Against the roofline baseline: Kendall tau "
         << fixed(r.meanTau, 3) << " vs " << fixed(f.meanTau, 3)
         << ", a-peak@32 " << fixed(r.meanApeak, 3) << " vs "
         << fixed(f.meanApeak, 3) << ".\n";
    }

    os << "\n## Rank model, per held-out task\n\n"
       << "| task | device | candidates | Kendall tau | top-1 | a-peak@32 |\n"
       << "|---|---|---:|---:|---:|---:|\n";
    std::vector<const TaskScores *> sorted;
    for (const TaskScores &task : rank->tasks)
      sorted.push_back(&task);
    llvm::sort(sorted, [](const TaskScores *a, const TaskScores *b) {
      return std::tie(a->task, a->device) < std::tie(b->task, b->device);
    });
    for (const TaskScores *task : sorted)
      os << "| `" << task->task << "` | " << task->device << " | "
         << task->candidates << " | " << fixed(task->kendallTau, 3) << " | "
         << fixed(task->top1Slowdown, 3) << "x | " << fixed(task->apeak(), 3)
         << " |\n";
  }
}

int runEval() {
  std::vector<ModelKind> kinds;
  for (const std::string &name : kindNames) {
    std::optional<ModelKind> kind = parseModelKind(name);
    if (!kind)
      return fail("unknown model kind '" + name +
                  "' in --kinds (rank, regression, metaschedule, roofline)");
    kinds.push_back(*kind);
  }
  if (kinds.empty())
    kinds.assign(allModelKinds().begin(), allModelKinds().end());
  auto data = loadAll(evalData);
  if (!data)
    return fail(llvm::toString(data.takeError()));
  std::vector<Task> tasks = groupByTask(*data);

  CrossValidationOptions options;
  options.folds = folds;
  options.seed = seed;
  options.train = trainOptions();
  auto start = std::chrono::steady_clock::now();
  options.progress = [&](llvm::StringRef line) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    llvm::errs() << "[" << fixed(seconds, 1) << " s] " << line << "\n";
  };
  auto results = crossValidate(*data, kinds, options);
  if (!results)
    return fail(llvm::toString(results.takeError()));
  unsigned foldCount = std::min<unsigned>(std::max(folds.getValue(), 2u),
                                          unsigned(tasks.size()));

  llvm::outs() << llvm::format("%-13s %6s %8s %9s %9s %8s %9s %10s\n", "model",
                               "tasks", "tau", "top1", "top1max", "<=10%",
                               "a-peak@8", "a-peak@32");
  for (const CrossValidation &result : *results) {
    Summary s = summarize(result.tasks);
    llvm::outs() << llvm::format(
        "%-13s %6zu %8.3f %8.3fx %8.3fx %7.0f%% %9.3f %10.3f\n",
        modelKindName(result.kind).str().c_str(), s.tasks, s.meanTau,
        s.meanTop1Slowdown, s.maxTop1Slowdown, 100 * s.within10, s.meanApeak8,
        s.meanApeak);
  }

  std::string plotLink;
  if (!plotPath.empty()) {
    std::vector<PlotSeries> series;
    for (const CrossValidation &result : *results) {
      Summary s = summarize(result.tasks);
      PlotSeries line{modelKindName(result.kind).str(), {}};
      for (auto [j, value] : llvm::enumerate(s.meanBestOfTop))
        line.points.emplace_back(double(j + 1), value);
      series.push_back(std::move(line));
    }
    std::error_code ec;
    llvm::raw_fd_ostream out(plotPath, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + plotPath + "': " + ec.message());
    out << linePlotSvg(series,
                       {"Held-out tasks: best measured among the top k picks",
                        "k (candidates measured in the model's order)",
                        "best of top k / best measured (mean over tasks)",
                        std::nullopt, 1.0});
    // The report links the plot relative to itself.
    plotLink = plotPath;
    if (!reportPath.empty() && llvm::sys::path::parent_path(plotPath) ==
                                   llvm::sys::path::parent_path(reportPath))
      plotLink = llvm::sys::path::filename(plotPath).str();
  }
  if (!reportPath.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream out(reportPath, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + reportPath + "': " + ec.message());
    writeReport(out, evalData, describeData(*data, tasks), *results, foldCount,
                options.train, plotLink);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "mixc-costmodel: train and evaluate the learned cost model on "
      "measured schedules\n\n"
      "  mixc-costmodel train costmodel/data/h100/*.jsonl -o model.json\n"
      "  mixc-costmodel eval costmodel/data/h100/*.jsonl --report "
      "costmodel/REPORT.md --plot costmodel/apeak.svg\n");
  if (trainCommand)
    return runTrain();
  if (evalCommand)
    return runEval();
  return fail("name a command: train or eval (see --help)");
}
