//===- mixc-tune.cpp - Autotune the schedules of mix ops ------------------===//
//
//   mixc-tune IN.mlir --db tuning.jsonl --trials N
//             [--measure local|batch:DIR|replay:DATA.jsonl] [--model M.json]
//             [--data DATA.jsonl]... [--curve curve.svg]
//
// Each mix op of IN.mlir is a task (its taskKey). For each, rounds of: an
// evolutionary search over the op's schedule space (ScheduleSpace, the
// Presburger set of legal schedules) scored by the cost model proposes
// --batch-size unmeasured schedules (epsilon of them at random); each is
// compiled by `mixc` and measured; every measurement is appended to the
// database (one JSON line, flushed and synced before the next trial), and
// the model is retrained on --data plus the database. A killed run resumes
// from the database: its schedules are not measured again.
//
// Measurement:
//   local           mixc-bench in a child process with --timeout: a kernel
//                   that faults or hangs costs one trial, not the run.
//   batch:DIR       candidates are compiled into DIR (DIR/index.jsonl, one
//                   folder per candidate) for a GPU machine to measure with
//                   bench/measure_dataset.py into DIR/results.jsonl; the next
//                   mixc-tune run ingests that file and proposes the next
//                   round. Each run does one round.
//   replay:FILE     looks the candidates up in recorded measurements (the
//                   committed dataset): tunes offline against real numbers,
//                   for evaluating the search; nothing is compiled.
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/CostModel/Dataset.h"
#include "mixc/CostModel/Features.h"
#include "mixc/CostModel/Model.h"
#include "mixc/CostModel/OpShape.h"
#include "mixc/CostModel/Plot.h"
#include "mixc/CostModel/ScheduleSpace.h"
#include "mixc/CostModel/Search.h"
#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <fcntl.h>
#include <unistd.h>

using namespace mlir;
using namespace mixc;
using namespace mixc::costmodel;
namespace cl = llvm::cl;
namespace json = llvm::json;

static cl::OptionCategory tuneCategory("mixc-tune options");

static cl::opt<std::string> inputFilename(cl::Positional, cl::Required,
                                          cl::desc("<input.mlir>"),
                                          cl::cat(tuneCategory));
static cl::opt<std::string>
    dbPath("db",
           cl::desc("The tuning database: append-only JSON lines, one per "
                    "measured schedule (created when missing)"),
           cl::value_desc("tuning.jsonl"), cl::Required, cl::cat(tuneCategory));
static cl::opt<unsigned>
    trials("trials",
           cl::desc("Measured schedules per op, database records included "
                    "(default 64)"),
           cl::init(64), cl::cat(tuneCategory));
static cl::opt<std::string> measureMode(
    "measure",
    cl::desc("local (default): compile and run here, one child process per "
             "candidate; batch:DIR: compile into DIR for a GPU machine and "
             "ingest DIR/results.jsonl on the next run; replay:FILE: look "
             "candidates up in recorded measurements"),
    cl::init("local"), cl::cat(tuneCategory));
static cl::opt<std::string>
    modelPath("model",
              cl::desc("Initial cost model (mixc-costmodel train); default: "
                       "trained on --data and the database, else the "
                       "roofline"),
              cl::value_desc("model.json"), cl::cat(tuneCategory));
static cl::list<std::string>
    dataPaths("data",
              cl::desc("Measurement records (costmodel/data/...) the model is "
                       "retrained on with the database after every round"),
              cl::value_desc("data.jsonl"), cl::cat(tuneCategory));
static cl::opt<bool> excludeTunedTasks(
    "exclude-tuned-tasks",
    cl::desc("Drop the tuned ops' own tasks from --data: tune as for a shape "
             "never measured (how the tuner is evaluated)"),
    cl::cat(tuneCategory));
static cl::opt<std::string> templateName(
    "template",
    cl::desc("Kernel template to tune (default: the op's schedule's, else "
             "the op's default)"),
    cl::value_desc("name"), cl::cat(tuneCategory));
static cl::opt<unsigned> batchSize("batch-size",
                                   cl::desc("Schedules per round (default 8)"),
                                   cl::init(8), cl::cat(tuneCategory));
static cl::opt<double>
    epsilon("epsilon",
            cl::desc("Chance that a proposal is random (default 0.1)"),
            cl::init(0.1), cl::cat(tuneCategory));
static cl::opt<unsigned> population("population",
                                    cl::desc("Search population (default 64)"),
                                    cl::init(64), cl::cat(tuneCategory));
static cl::opt<unsigned> generations("generations",
                                     cl::desc("Search generations (default 4)"),
                                     cl::init(4), cl::cat(tuneCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the search"),
                              cl::init(0), cl::cat(tuneCategory));
static cl::opt<unsigned>
    timeout("timeout",
            cl::desc("Seconds a compile or a measurement may take (default "
                     "120)"),
            cl::init(120), cl::cat(tuneCategory));
static cl::opt<std::string>
    workDir("work",
            cl::desc("Where local measurement compiles candidates (default: "
                     "the database's path + '.kernels')"),
            cl::value_desc("dir"), cl::cat(tuneCategory));
static cl::opt<std::string>
    mixcPath("mixc", cl::desc("The compiler (default: beside mixc-tune)"),
             cl::value_desc("path"), cl::cat(tuneCategory));
static cl::opt<std::string>
    benchPath("bench", cl::desc("mixc-bench (default: beside mixc-tune)"),
              cl::value_desc("path"), cl::cat(tuneCategory));
static cl::opt<unsigned> warmup("warmup",
                                cl::desc("mixc-bench --warmup (default 3)"),
                                cl::init(3), cl::cat(tuneCategory));
static cl::opt<unsigned> iters("iters",
                               cl::desc("mixc-bench --iters (default 10)"),
                               cl::init(10), cl::cat(tuneCategory));
static cl::opt<std::string>
    curvePath("curve",
              cl::desc("Write the tuning curve (best so far vs trials, "
                       "relative to the best known) as SVG"),
              cl::value_desc("curve.svg"), cl::cat(tuneCategory));

namespace {

int64_t secondsSince(std::chrono::steady_clock::time_point start) {
  return int64_t(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
}

std::string duration(int64_t seconds) {
  if (seconds >= 60)
    return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) +
           "s";
  return std::to_string(seconds) + "s";
}

/// A file name made of `text`: letters, digits, '.', '-' and '=' kept.
std::string slug(llvm::StringRef text) {
  std::string out;
  for (char c : text)
    out += (llvm::isAlnum(c) || c == '.' || c == '-' || c == '=') ? c : '_';
  return out;
}

/// A candidate's folder: "block_m64-block_n32-warps4-stages2", as
/// bench/make_dataset.py names them.
std::string scheduleFolder(const mix::ScheduleTemplateDecl &decl,
                           llvm::ArrayRef<int64_t> point) {
  std::string name;
  for (auto [param, value] : llvm::zip(decl.params, point))
    name +=
        (name.empty() ? "" : "-") + param.name.str() + std::to_string(value);
  return name;
}

//===----------------------------------------------------------------------===//
// The database
//===----------------------------------------------------------------------===//

/// Append-only JSON lines; every line reaches the disk before the next
/// trial starts, so a killed run loses at most the trial it was in.
class Database {
public:
  explicit Database(std::string path) : path(std::move(path)) {}

  /// Reads the records; a last line cut short by a killed run is dropped
  /// from the file (it was never a whole record).
  llvm::Error open(std::vector<Measurement> &records) {
    if (!llvm::sys::fs::exists(path))
      return llvm::Error::success();
    bool truncated = false;
    auto loaded = loadMeasurements(path, &truncated);
    if (!loaded)
      return loaded.takeError();
    records = std::move(*loaded);
    if (truncated) {
      auto file = llvm::MemoryBuffer::getFile(path);
      if (!file)
        return llvm::createStringError(file.getError(),
                                       "cannot reread " + path);
      size_t keep = (*file)->getBuffer().rfind('\n') + 1; // 0 when none
      if (::truncate(path.c_str(), off_t(keep)) != 0)
        return llvm::createStringError(
            std::error_code(errno, std::generic_category()),
            "cannot repair " + path);
      llvm::errs() << "mixc-tune: " << path
                   << ": dropped a truncated last record (a killed run)\n";
    }
    return llvm::Error::success();
  }

  /// Appends one line and syncs it to the disk.
  llvm::Error append(llvm::StringRef line) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0)
      return llvm::createStringError(
          std::error_code(errno, std::generic_category()),
          "cannot open " + path);
    std::string text = line.str() + "\n";
    const char *data = text.data();
    size_t left = text.size();
    while (left > 0) {
      ssize_t written = ::write(fd, data, left);
      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0) {
        ::close(fd);
        return llvm::createStringError(
            std::error_code(errno, std::generic_category()),
            "cannot write " + path);
      }
      data += written;
      left -= size_t(written);
    }
    ::fsync(fd);
    ::close(fd);
    return llvm::Error::success();
  }

private:
  std::string path;
};

//===----------------------------------------------------------------------===//
// Tasks
//===----------------------------------------------------------------------===//

/// One op of the input and what is known of its schedules.
struct TuningTask {
  Operation *op;
  std::string name; ///< "attention_0": the kernel's name in its own module
  OpShape shape;
  std::string key;
  const mix::ScheduleTemplateDecl *decl;
  std::optional<ScheduleSpace> space;
  std::set<IntegerPoint> measured;
  /// Measured times in trial order (NaN for a failed trial).
  std::vector<double> times;
  /// Passed schedules, fastest first.
  std::vector<std::pair<double, IntegerPoint>> passed;

  void record(const IntegerPoint &point, const Measurement &m) {
    measured.insert(point);
    times.push_back(m.passed() ? m.timeMs : std::nan(""));
    if (m.passed()) {
      passed.emplace_back(m.timeMs, point);
      llvm::sort(passed, [](const auto &a, const auto &b) {
        return a.first < b.first;
      });
    }
  }
  double bestMs() const {
    return passed.empty() ? std::nan("") : passed.front().first;
  }
};

/// `task`'s op alone in a module, with schedule `point`: what mixc compiles
/// for one candidate.
std::string candidateModule(const TuningTask &task,
                            llvm::ArrayRef<int64_t> point) {
  Operation *op = task.op;
  OpBuilder b(op->getContext());
  Location loc = op->getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  auto function = func::FuncOp::create(
      b, loc, task.name,
      b.getFunctionType(op->getOperandTypes(), op->getResultTypes()));
  Block *entry = function.addEntryBlock();
  IRMapping mapping;
  mapping.map(op->getOperands(), entry->getArguments());
  b.setInsertionPointToStart(entry);
  Operation *clone = b.clone(*op, mapping);
  cast<mix::ScheduledOpInterface>(clone).setScheduleAttr(
      cast<mix::ScheduleAttr>(
          scheduleAttribute(op->getContext(), *task.decl, point)));
  func::ReturnOp::create(b, loc, clone->getResults());
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

//===----------------------------------------------------------------------===//
// Records
//===----------------------------------------------------------------------===//

/// Fields copied from a mixc-bench result line into the database.
constexpr llvm::StringLiteral kBenchFields[] = {
    "time_ms", "time_ms_min", "time_ms_max",    "tflops",    "gbps",
    "flops",   "bytes",       "error",          "tolerance", "check",
    "message", "device",      "driver_version", "date",      "seed",
    "warmup",  "iters"};

/// The status a mixc-bench result line stands for (as join_dataset.py).
std::string statusOf(const json::Object &result) {
  std::string status = result.getString("status").value_or("ERROR").str();
  if (status == "TIMED")
    status = "PASS_UNCHECKED";
  if (result.getString("message").value_or("").contains("faulted"))
    status = "FAULTED";
  return status;
}

/// One database line: the candidate's feature record, its static features,
/// the outcome and how it was found.
std::string databaseLine(const TuningTask &task, llvm::ArrayRef<int64_t> point,
                         const CompiledStats *compiled, llvm::StringRef status,
                         const json::Object *result, llvm::StringRef message,
                         size_t trial, const Proposal *proposal,
                         llvm::StringRef measure) {
  Features staticFeatures =
      cantFail(computeFeatures(task.shape, *task.decl, point, nullptr));
  Features features =
      compiled
          ? cantFail(computeFeatures(task.shape, *task.decl, point, compiled))
          : staticFeatures;
  std::string line;
  llvm::raw_string_ostream os(line);
  json::OStream out(os);
  out.object([&] {
    writeFeatureRecordFields(out, task.shape, task.decl, point, features);
    out.attributeArray("static_features", [&] {
      for (double value : staticFeatures.values())
        std::isnan(value) ? out.value(nullptr) : out.value(value);
    });
    out.attribute("status", status);
    if (result)
      for (llvm::StringLiteral key : kBenchFields)
        if (const json::Value *value = result->get(key))
          if (!(key == "message" && !message.empty()))
            out.attribute(key, *value);
    if (!message.empty())
      out.attribute("message", message);
    out.attribute("trial", int64_t(trial));
    out.attribute("measure", measure);
    if (proposal) {
      out.attribute("explore", proposal->explore);
      if (std::isfinite(proposal->score))
        out.attribute("predicted", proposal->score);
    }
  });
  return line;
}

//===----------------------------------------------------------------------===//
// Measurement
//===----------------------------------------------------------------------===//

/// Runs `args` with a timeout; stdout and stderr to `log`. Returns the exit
/// code, or -1 with `error` set when it timed out or crashed.
int run(llvm::StringRef program, llvm::ArrayRef<std::string> args,
        llvm::StringRef log, std::string &error) {
  std::vector<llvm::StringRef> argv = {program};
  for (const std::string &arg : args)
    argv.push_back(arg);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log, log};
  bool failedToRun = false;
  int code = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, redirects,
                                       timeout, 0, &error, &failedToRun);
  if (failedToRun)
    return -1;
  return code;
}

/// The last few lines of a log, for a record's message.
std::string logTail(llvm::StringRef path) {
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file)
    return "";
  llvm::StringRef text = (*file)->getBuffer().rtrim();
  size_t start = text.size() > 400 ? text.size() - 400 : 0;
  return text.substr(start).str();
}

/// What measuring one candidate gave.
struct Outcome {
  std::string status, message;
  std::optional<json::Object> result;
  std::optional<CompiledStats> compiled;
};

/// A tool beside this executable, or `override` when given.
std::string sibling(const char *argv0, llvm::StringRef name,
                    llvm::StringRef override) {
  if (!override.empty())
    return override.str();
  std::string self = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&sibling));
  llvm::SmallString<256> path(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(path, name);
  return std::string(path);
}

/// Writes the candidate's module into `dir` and compiles it with mixc.
/// Fills the outcome's compile error, or its compiled stats.
bool compileCandidate(const TuningTask &task, llvm::ArrayRef<int64_t> point,
                      llvm::StringRef dir, llvm::StringRef mixc,
                      Outcome &outcome) {
  llvm::sys::fs::create_directories(dir);
  llvm::SmallString<256> mlirPath(dir), logPath(dir), manifest(dir);
  llvm::sys::path::append(mlirPath, "kernel.mlir");
  llvm::sys::path::append(logPath, "compile.log");
  llvm::sys::path::append(manifest, task.name + ".json");
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(mlirPath, ec);
    if (ec) {
      outcome = {"COMPILE_ERROR", "cannot write " + mlirPath.str().str(),
                 std::nullopt, std::nullopt};
      return false;
    }
    out << candidateModule(task, point);
  }
  std::string error;
  int code =
      run(mixc, {std::string(mlirPath), "-o", dir.str()}, logPath, error);
  if (code != 0) {
    outcome.status = "COMPILE_ERROR";
    outcome.message = code < 0 ? "mixc: " + error : logTail(logPath);
    return false;
  }
  auto stats = readCompiledStats(manifest);
  if (!stats) {
    outcome.status = "COMPILE_ERROR";
    outcome.message = llvm::toString(stats.takeError());
    return false;
  }
  outcome.compiled = *stats;
  return true;
}

/// The JSON objects of a JSON-lines file, in order; lines that are not
/// whole objects (a writer killed mid-line) are skipped. Empty when the
/// file does not exist.
std::vector<json::Object> readJsonLines(llvm::StringRef path) {
  std::vector<json::Object> objects;
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file)
    return objects;
  llvm::SmallVector<llvm::StringRef> lines;
  (*file)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    auto parsed = json::parse(line);
    if (!parsed) {
      llvm::consumeError(parsed.takeError());
      continue;
    }
    if (json::Object *object = parsed->getAsObject())
      objects.push_back(std::move(*object));
  }
  return objects;
}

/// No GPU here: local measurement cannot go on.
struct NoGpu {
  std::string message;
};

/// Compiles and runs one candidate here. Returns NoGpu when mixc-bench
/// reports that there is no GPU (exit code 2).
std::variant<Outcome, NoGpu> measureLocally(const TuningTask &task,
                                            llvm::ArrayRef<int64_t> point,
                                            llvm::StringRef dir,
                                            llvm::StringRef mixc,
                                            llvm::StringRef bench) {
  Outcome outcome;
  if (!compileCandidate(task, point, dir, mixc, outcome))
    return outcome;
  llvm::SmallString<256> resultsPath(dir), logPath(dir);
  llvm::sys::path::append(resultsPath, "result.jsonl");
  llvm::sys::path::append(logPath, "bench.log");
  llvm::sys::fs::remove(resultsPath);
  std::string error;
  int code = run(bench,
                 {dir.str(), "--results", std::string(resultsPath),
                  "--check=sample", "--warmup", std::to_string(warmup),
                  "--iters", std::to_string(iters)},
                 logPath, error);
  if (code == 2)
    return NoGpu{logTail(logPath)};
  std::vector<json::Object> results = readJsonLines(resultsPath);
  if (!results.empty())
    outcome.result = std::move(results.back());
  if (code < 0 || !outcome.result) {
    outcome.status = code < 0 && error.find("timed out") != std::string::npos
                         ? "TIMEOUT"
                         : "ERROR";
    outcome.message = code < 0 ? "mixc-bench: " + error : logTail(logPath);
    return outcome;
  }
  outcome.status = statusOf(*outcome.result);
  return outcome;
}

//===----------------------------------------------------------------------===//
// The tuner
//===----------------------------------------------------------------------===//

class Tuner {
public:
  Tuner(std::vector<TuningTask> &tasks, const char *argv0)
      : tasks(tasks), database(dbPath), random(seed),
        mixc(sibling(argv0, "mixc", mixcPath)),
        bench(sibling(argv0, "mixc-bench", benchPath)) {}

  int run();

private:
  llvm::Error loadDatabase();
  llvm::Error loadData();
  void retrain();
  std::vector<Proposal> propose(TuningTask &task, size_t count);
  llvm::Error append(TuningTask &task, llvm::ArrayRef<int64_t> point,
                     const Outcome &outcome, const Proposal *proposal,
                     llvm::StringRef measure);
  int runLocalOrReplay(bool replay);
  int runBatch(llvm::StringRef dir);
  void progress(const TuningTask &task, size_t index, bool final);
  static void reportExhausted(const TuningTask &task) {
    llvm::errs() << "mixc-tune: " << task.name << ": every schedule of its "
                 << "space is measured (" << task.space->count() << ")\n";
  }
  void summarize();

  std::vector<TuningTask> &tasks;
  Database database;
  std::vector<Measurement> dbRecords, dataRecords, replayRecords;
  /// --data records of the tuned tasks, excluded from training or not.
  std::vector<Measurement> bestKnownRecords;
  std::optional<CostModel> model;
  bool modelFromFile = false;
  size_t trainedOnRecords = 0;
  std::mt19937_64 random;
  std::string mixc, bench;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
  size_t trialsThisRun = 0;
};

llvm::Error Tuner::loadDatabase() {
  if (llvm::Error error = database.open(dbRecords))
    return error;
  for (const Measurement &m : dbRecords)
    for (TuningTask &task : tasks)
      if (m.task == task.key && m.templateName == task.decl->name)
        if (std::optional<IntegerPoint> point = schedulePoint(m, *task.decl))
          if (!task.measured.count(*point))
            task.record(*point, m);
  return llvm::Error::success();
}

llvm::Error Tuner::loadData() {
  llvm::StringSet<> tuned;
  for (const TuningTask &task : tasks)
    tuned.insert(task.key);
  for (const std::string &path : dataPaths) {
    auto records = loadMeasurements(path);
    if (!records)
      return records.takeError();
    for (Measurement &m : *records) {
      // Excluded from training, the tuned tasks' records still tell the
      // best known time that the summary compares with.
      if (tuned.count(m.task) && m.passed())
        bestKnownRecords.push_back(m);
      if (!excludeTunedTasks || !tuned.count(m.task))
        dataRecords.push_back(std::move(m));
    }
  }
  return llvm::Error::success();
}

/// Retrains the rank model on --data and the database when they hold more
/// than it was trained on. A model given with --model stays until the
/// database alone has 32 records (without --data there is nothing else to
/// learn from, and a handful of trials would make a worse model).
void Tuner::retrain() {
  size_t available = dataRecords.size() + dbRecords.size();
  if (available == trainedOnRecords)
    return;
  if (modelFromFile && dataRecords.empty() && dbRecords.size() < 32)
    return;
  std::vector<Measurement> pool = dataRecords;
  pool.insert(pool.end(), dbRecords.begin(), dbRecords.end());
  std::vector<Task> groups = groupByTask(pool);
  bool learnable =
      llvm::any_of(groups, [](const Task &t) { return t.rows.size() >= 2; });
  if (!learnable)
    return;
  TrainOptions options;
  options.seed = seed;
  auto trained = CostModel::train(pool, groups, options);
  if (!trained) {
    llvm::errs() << "mixc-tune: retraining failed, keeping the model: "
                 << llvm::toString(trained.takeError()) << "\n";
    return;
  }
  model = std::move(*trained);
  modelFromFile = false;
  trainedOnRecords = available;
}

std::vector<Proposal> Tuner::propose(TuningTask &task, size_t count) {
  CostModel fallback = CostModel::roofline();
  const CostModel &scorer = model ? *model : fallback;
  auto score = [&](llvm::ArrayRef<IntegerPoint> points) {
    std::vector<std::vector<double>> rows;
    for (const IntegerPoint &point : points)
      rows.push_back(
          cantFail(computeFeatures(task.shape, *task.decl, point)).values());
    auto scores = scorer.score(rows);
    if (!scores) {
      llvm::errs() << "mixc-tune: scoring failed: "
                   << llvm::toString(scores.takeError()) << "\n";
      return std::vector<double>(points.size(), 0.0);
    }
    return *scores;
  };
  std::vector<IntegerPoint> best;
  for (const auto &[time, point] : task.passed)
    best.push_back(point);
  SearchOptions options;
  options.population = population;
  options.generations = generations;
  options.epsilon = epsilon;
  return proposeSchedules(*task.space, score, task.measured, best, count,
                          options, random);
}

llvm::Error Tuner::append(TuningTask &task, llvm::ArrayRef<int64_t> point,
                          const Outcome &outcome, const Proposal *proposal,
                          llvm::StringRef measure) {
  std::string line =
      databaseLine(task, point, outcome.compiled ? &*outcome.compiled : nullptr,
                   outcome.status, outcome.result ? &*outcome.result : nullptr,
                   outcome.message, task.times.size() + 1, proposal, measure);
  if (llvm::Error error = database.append(line))
    return error;
  auto m = parseMeasurement(line, dbPath);
  if (!m)
    return m.takeError();
  task.record(IntegerPoint(point.begin(), point.end()), *m);
  dbRecords.push_back(std::move(*m));
  ++trialsThisRun;
  return llvm::Error::success();
}

void Tuner::progress(const TuningTask &task, size_t index, bool final) {
  size_t done = std::min<size_t>(task.times.size(), trials);
  const unsigned width = 24;
  size_t filled = trials ? done * width / trials : width;
  std::string bar(filled, '#');
  bar.resize(width, '-');
  std::string line;
  llvm::raw_string_ostream os(line);
  os << "mixc-tune: [" << index + 1 << "/" << tasks.size() << "] " << task.name
     << " |" << bar << "| " << done << "/" << trials;
  if (!task.passed.empty())
    os << "  best " << llvm::format("%.4f", task.bestMs()) << " ms";
  // The ETA counts this run's pace over what is left of every task.
  size_t left = 0;
  for (const TuningTask &t : tasks)
    left += trials > t.times.size() ? trials - t.times.size() : 0;
  if (trialsThisRun > 0 && left > 0)
    os << "  ETA "
       << duration(secondsSince(start) * int64_t(left) /
                   int64_t(trialsThisRun));
  if (llvm::errs().is_displayed()) {
    llvm::errs() << "\r" << line << "\x1b[K";
    if (final)
      llvm::errs() << "\n";
  } else if (final || (done % batchSize == 0 && done < trials)) {
    llvm::errs() << line << "\n";
  }
}

int Tuner::runLocalOrReplay(bool replay) {
  llvm::StringMap<const Measurement *> recorded;
  for (const Measurement &m : replayRecords)
    recorded[m.task + " " + m.templateName + " " + m.scheduleKey()] = &m;
  std::string work = workDir.empty() ? dbPath + ".kernels" : workDir.getValue();

  for (auto [index, task] : llvm::enumerate(tasks)) {
    while (task.times.size() < trials) {
      retrain();
      size_t want = std::min<size_t>(batchSize, trials - task.times.size());
      std::vector<Proposal> proposals = propose(task, want);
      if (proposals.empty()) {
        reportExhausted(task);
        break;
      }
      for (const Proposal &proposal : proposals) {
        Outcome outcome;
        if (replay) {
          Measurement probe;
          for (auto [param, value] :
               llvm::zip(task.decl->params, proposal.point))
            probe.params.emplace_back(param.name.str(), value);
          llvm::sort(probe.params);
          auto it = recorded.find(task.key + " " + task.decl->name.str() + " " +
                                  probe.scheduleKey());
          if (it == recorded.end() ||
              (!it->second->passed() && !it->second->failed())) {
            // Not in the recording: it cannot count as a trial.
            task.measured.insert(proposal.point);
            continue;
          }
          const Measurement &m = *it->second;
          outcome.status = m.status;
          json::Object result{{"time_ms", m.timeMs}};
          if (!m.device.empty())
            result["device"] = m.device;
          if (!m.date.empty())
            result["date"] = m.date;
          outcome.result = std::move(result);
          outcome.message = "replayed from " + measureMode.getValue().substr(7);
        } else {
          llvm::SmallString<256> dir(work);
          llvm::sys::path::append(dir, slug(task.key),
                                  scheduleFolder(*task.decl, proposal.point));
          auto measured =
              measureLocally(task, proposal.point, dir, mixc, bench);
          if (auto *noGpu = std::get_if<NoGpu>(&measured)) {
            progress(task, index, true);
            llvm::errs() << "mixc-tune: mixc-bench cannot run kernels here: "
                         << noGpu->message
                         << "\nmixc-tune: measure on a GPU machine with "
                            "--measure batch:DIR (see --help); the database "
                            "keeps what was measured\n";
            return 2;
          }
          outcome = std::get<Outcome>(std::move(measured));
        }
        if (llvm::Error error = append(task, proposal.point, outcome, &proposal,
                                       replay ? "replay" : "local")) {
          llvm::errs() << "mixc-tune: " << llvm::toString(std::move(error))
                       << "\n";
          return 1;
        }
        progress(task, index, false);
      }
    }
    progress(task, index, true);
  }
  summarize();
  return 0;
}

/// One round of batch mode: ingest what the GPU machine measured, then
/// compile the next candidates of every task that is not finished.
int Tuner::runBatch(llvm::StringRef dir) {
  llvm::SmallString<256> indexPath(dir), resultsPath(dir);
  llvm::sys::path::append(indexPath, "index.jsonl");
  llvm::sys::path::append(resultsPath, "results.jsonl");

  // The candidates compiled by earlier rounds: folder -> (task, point).
  struct Pending {
    TuningTask *task;
    IntegerPoint point;
    Proposal proposal;
  };
  std::map<std::string, Pending> pending;
  std::vector<std::string> pendingOrder; // index order: proposal order
  for (const json::Object &entry : readJsonLines(indexPath)) {
    auto folder = entry.getString("folder");
    auto key = entry.getString("task");
    const json::Array *point = entry.getArray("point");
    if (!folder || !key || !point)
      continue;
    for (TuningTask &task : tasks) {
      if (task.key != *key)
        continue;
      IntegerPoint values;
      for (const json::Value &v : *point)
        values.push_back(v.getAsInteger().value_or(0));
      if (task.measured.count(values) || pending.count(folder->str()))
        continue;
      pendingOrder.push_back(folder->str());
      pending[folder->str()] = {
          &task,
          values,
          {values, entry.getNumber("predicted").value_or(std::nan("")),
           entry.getBoolean("explore").value_or(false)}};
    }
  }

  // Ingest results: mixc-bench lines name the manifest; its last two path
  // components are the candidate's folder wherever DIR lived on that
  // machine. Trials are numbered in proposal order (the index's), whatever
  // order the GPU machine ran them in, so the tuning curve follows the
  // model's ranking.
  std::map<std::string, json::Object> results;
  for (json::Object &result : readJsonLines(resultsPath)) {
    auto manifest = result.getString("manifest");
    if (!manifest ||
        result.getString("message").value_or("").starts_with("not run"))
      continue;
    llvm::StringRef folderPath = llvm::sys::path::parent_path(*manifest);
    std::string folder =
        (llvm::sys::path::filename(llvm::sys::path::parent_path(folderPath)) +
         "/" + llvm::sys::path::filename(folderPath))
            .str();
    results[folder] = std::move(result); // the last run of it wins
  }
  size_t ingested = 0;
  for (const std::string &folder : pendingOrder) {
    auto it = pending.find(folder);
    auto result = results.find(folder);
    if (it == pending.end() || result == results.end())
      continue;
    Pending &p = it->second;
    Outcome outcome;
    outcome.status = statusOf(result->second);
    llvm::SmallString<256> local(dir);
    llvm::sys::path::append(
        local, folder,
        llvm::sys::path::filename(
            result->second.getString("manifest").value_or("")));
    if (auto stats = readCompiledStats(local))
      outcome.compiled = *stats;
    else
      llvm::consumeError(stats.takeError());
    outcome.result = std::move(result->second);
    if (llvm::Error error =
            append(*p.task, p.point, outcome, &p.proposal, "batch")) {
      llvm::errs() << "mixc-tune: " << llvm::toString(std::move(error)) << "\n";
      return 1;
    }
    pending.erase(it);
    ++ingested;
  }
  if (ingested)
    llvm::errs() << "mixc-tune: ingested " << ingested << " measurements from "
                 << resultsPath << "\n";

  // Propose and compile the next round for unfinished tasks with nothing
  // pending.
  retrain();
  size_t compiled = 0, waiting = 0;
  for (auto [index, task] : llvm::enumerate(tasks)) {
    size_t taskPending = llvm::count_if(
        pending, [&](const auto &p) { return p.second.task == &task; });
    if (taskPending) {
      waiting += taskPending;
      continue;
    }
    if (task.times.size() >= trials) {
      progress(task, index, true);
      continue;
    }
    size_t want = std::min<size_t>(batchSize, trials - task.times.size());
    std::vector<Proposal> proposals = propose(task, want);
    if (proposals.empty())
      reportExhausted(task);
    for (const Proposal &proposal : proposals) {
      std::string folder =
          slug(task.key) + "/" + scheduleFolder(*task.decl, proposal.point);
      llvm::SmallString<256> path(dir);
      llvm::sys::path::append(path, folder);
      Outcome outcome;
      if (!compileCandidate(task, proposal.point, path, mixc, outcome)) {
        // A schedule the compiler refuses is a measured failure.
        if (llvm::Error error =
                append(task, proposal.point, outcome, &proposal, "batch")) {
          llvm::errs() << "mixc-tune: " << llvm::toString(std::move(error))
                       << "\n";
          return 1;
        }
        continue;
      }
      std::string entry;
      llvm::raw_string_ostream os(entry);
      json::OStream out(os);
      out.object([&] {
        out.attribute("folder", folder);
        out.attribute("task", task.key);
        out.attributeArray("point", [&] {
          for (int64_t v : proposal.point)
            out.value(v);
        });
        out.attribute("explore", proposal.explore);
        if (std::isfinite(proposal.score))
          out.attribute("predicted", proposal.score);
        // measure_dataset.py's index fields.
        out.attribute("compiled", true);
      });
      Database indexFile{std::string(indexPath)};
      if (llvm::Error error = indexFile.append(entry)) {
        llvm::errs() << "mixc-tune: " << llvm::toString(std::move(error))
                     << "\n";
        return 1;
      }
      ++compiled;
    }
    progress(task, index, true);
  }
  if (compiled + waiting == 0) {
    summarize();
    return 0;
  }
  llvm::errs() << "mixc-tune: " << compiled + waiting << " candidates wait in "
               << dir << " for a GPU machine. There run\n"
               << "  bench/measure_dataset.py " << dir << " " << resultsPath
               << " -- --warmup " << warmup << " --iters " << iters
               << " --check=sample\n"
               << "bring " << resultsPath
               << " back and run this command again.\n";
  return 0;
}

void Tuner::summarize() {
  std::vector<PlotSeries> curves;
  for (TuningTask &task : tasks) {
    // The best known: this task's best in the database, --data and the
    // replayed recording.
    double bestKnown = task.bestMs();
    for (const auto *records : {&bestKnownRecords, &replayRecords})
      for (const Measurement &m : *records)
        if (m.task == task.key && m.passed() && !(m.timeMs >= bestKnown))
          bestKnown = m.timeMs;
    llvm::outs() << task.name << " (" << task.key << "): ";
    if (task.passed.empty()) {
      llvm::outs() << "no schedule passed in " << task.times.size()
                   << " trials\n";
      continue;
    }
    PlotSeries curve{task.name, {}};
    double bestSoFar = INFINITY;
    std::optional<size_t> reached95;
    for (auto [trial, time] : llvm::enumerate(task.times)) {
      if (time < bestSoFar)
        bestSoFar = time;
      double fraction = std::isfinite(bestSoFar) ? bestKnown / bestSoFar : 0;
      curve.points.emplace_back(double(trial + 1), fraction);
      if (!reached95 && fraction >= 0.95)
        reached95 = trial + 1;
    }
    curves.push_back(std::move(curve));
    llvm::outs() << "best " << llvm::format("%.4f", task.bestMs())
                 << " ms, #mix.schedule<" << task.decl->name << ", {"
                 << task.space->format(task.passed.front().second) << "}> in "
                 << task.times.size() << " trials"
                 << (task.measured.size() >= task.space->count()
                         ? " (the whole space)"
                         : "")
                 << "; best known " << llvm::format("%.4f", bestKnown)
                 << " ms; ";
    if (reached95)
      llvm::outs() << "95% of it reached at trial " << *reached95 << "\n";
    else
      llvm::outs() << "95% of it not reached ("
                   << llvm::format("%.1f", 100 * bestKnown / task.bestMs())
                   << "%)\n";
  }
  if (curvePath.empty())
    return;
  std::error_code ec;
  llvm::raw_fd_ostream out(curvePath, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    llvm::errs() << "mixc-tune: cannot write " << curvePath << ": "
                 << ec.message() << "\n";
    return;
  }
  out << linePlotSvg(curves, {"mixc-tune: best so far", "measured trials",
                              "best known time / best time so far", 0.0, 1.0});
}

int Tuner::run() {
  if (llvm::Error error = loadDatabase()) {
    llvm::errs() << "mixc-tune: " << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  if (llvm::Error error = loadData()) {
    llvm::errs() << "mixc-tune: " << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  if (!modelPath.empty()) {
    auto loaded = CostModel::load(modelPath);
    if (!loaded) {
      llvm::errs() << "mixc-tune: " << llvm::toString(loaded.takeError())
                   << "\n";
      return 1;
    }
    model = std::move(*loaded);
    modelFromFile = true;
  }
  llvm::StringRef mode = measureMode;
  if (mode.consume_front("replay:")) {
    auto records = loadMeasurements(mode);
    if (!records) {
      llvm::errs() << "mixc-tune: " << llvm::toString(records.takeError())
                   << "\n";
      return 1;
    }
    replayRecords = std::move(*records);
  }
  retrain();
  llvm::errs() << "mixc-tune: " << tasks.size() << " op(s), " << trials
               << " trials each; model: "
               << (model ? model->describe()
                         : std::string("roofline (no model or data yet)"))
               << "\n";
  if (measureMode == "local")
    return runLocalOrReplay(false);
  if (llvm::StringRef(measureMode).starts_with("replay:"))
    return runLocalOrReplay(true);
  llvm::StringRef dir = measureMode;
  if (dir.consume_front("batch:") && !dir.empty()) {
    llvm::sys::fs::create_directories(dir);
    return runBatch(dir);
  }
  llvm::errs() << "mixc-tune: --measure must be local, batch:DIR or "
                  "replay:FILE, not '"
               << measureMode << "'\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(tuneCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "mixc-tune: autotune the schedules of every mix op of a module\n\n"
      "  mixc-tune model.mlir --db tuning.jsonl --trials 64\n"
      "  mixc-tune model.mlir --db tuning.jsonl --measure batch:kernels/ "
      "--data costmodel/data/h100/2026-12-04.jsonl\n\n"
      "Every measured schedule is a line of --db; run it again to resume. "
      "mixc-opt --mix-assign-schedules=db=tuning.jsonl applies the best.\n");
  if (batchSize == 0 || trials == 0) {
    llvm::errs() << "mixc-tune: --trials and --batch-size must be positive\n";
    return 1;
  }

  DialectRegistry registry;
  registerMixcDialects(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module =
      parseMixcFile(inputFilename, context, "mixc-tune");
  if (!module)
    return 1;
  // Errors at ops print as FILE:LINE:COL with the source line.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);

  std::vector<TuningTask> tasks;
  llvm::StringMap<unsigned> familyCounts;
  bool ok = true;
  module->walk([&](mix::ScheduledOpInterface scheduled) {
    Operation *op = scheduled;
    auto fail = [&](const llvm::Twine &message) {
      op->emitError() << "mixc-tune: " << message;
      ok = false;
    };
    // A schedule is measured at sizes; a dynamic size has none to run at.
    for (auto [index, type] : llvm::enumerate(op->getOperandTypes()))
      if (auto shaped = dyn_cast<ShapedType>(type);
          shaped && !shaped.hasStaticShape()) {
        std::string text;
        llvm::raw_string_ostream(text) << type;
        return fail("tuning needs static sizes, and operand #" +
                    llvm::Twine(index) + " is " + text +
                    ": tune a copy of the op at the sizes it runs at");
      }
    auto shape = describeOp(op);
    if (!shape)
      return fail(llvm::toString(shape.takeError()));
    const mix::ScheduleTemplateDecl *decl = nullptr;
    if (!templateName.empty())
      decl = mix::lookupScheduleTemplate(templateName);
    else if (shape->scheduleTemplate)
      decl = mix::lookupScheduleTemplate(*shape->scheduleTemplate);
    else
      decl = mix::getDefaultScheduleTemplate(op, mix::kDefaultChip);
    if (!decl || decl->opName != shape->opName)
      return fail("no kernel template '" +
                  (templateName.empty() ? shape->opName : templateName) +
                  "' for this op");
    auto space = ScheduleSpace::get(*shape, decl->name);
    if (!space)
      return fail(llvm::toString(space.takeError()));
    if (space->count() == 0)
      return fail("no legal schedule of '" + decl->name + "'" +
                  (space->getRefusal().empty()
                       ? std::string()
                       : ": " + space->getRefusal().str()));
    // Features of every point of the space are computed later without a
    // way to fail (cantFail): what could make them fail (the shape, the
    // template) is checked here, once.
    if (auto features =
            computeFeatures(*shape, *decl, space->getPoints().front());
        !features)
      return fail(llvm::toString(features.takeError()));
    llvm::StringRef family = op->getName().stripDialect();
    TuningTask task{
        op,     (family + "_" + llvm::Twine(familyCounts[family]++)).str(),
        *shape, taskKey(*shape),
        decl,   std::move(*space),
        {},     {},
        {}};
    tasks.push_back(std::move(task));
  });
  if (!ok)
    return 1;
  if (tasks.empty()) {
    llvm::errs() << "mixc-tune: no mix op to tune in " << inputFilename << "\n";
    return 1;
  }
  Tuner tuner(tasks, argv[0]);
  return tuner.run();
}
