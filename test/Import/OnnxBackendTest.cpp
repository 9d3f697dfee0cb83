//===- OnnxBackendTest.cpp - ONNX backend node tests on the CPU path ------===//
//
// Runs ONNX's own backend node tests (Debian's libonnx-testdata: one folder
// per case with model.onnx and test_data_set_*/{input,output}_*.pb): every
// case whose ops the importer supports is imported, JIT-run on the CPU and
// compared with ONNX's expected outputs (like numpy.allclose, rtol 1e-3,
// atol 1e-5). Cases with unsupported ops are listed, never silently skipped.
//
// The allow-list (test/Import/onnx-backend-allowlist.txt) names the cases that
// must pass: any of them failing fails the run. --write-doc regenerates
// docs/onnx-ops.md (supported ops, opsets, passed/total per op, failures and
// unsupported cases) from the op table and this run.
//
// Each case runs in a forked child with a time limit, so a crash or hang in
// one case is reported as that case's failure.
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/Execution/CpuRunner.h"
#include "mixc/Import/OnnxImporter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;
using namespace mixc;
namespace cl = llvm::cl;

static cl::opt<std::string>
    dataDir("data", cl::init("/usr/share/libonnx-testdata/data/node"),
            cl::desc("Folder of ONNX backend node test cases"));
static cl::opt<std::string>
    filter("filter", cl::desc("Run only cases whose name contains this"));
static cl::opt<std::string>
    allowList("allow-list",
              cl::desc("File of case names that must pass (one per line)"));
static cl::opt<bool> updateAllowList(
    "update-allow-list",
    cl::desc("Rewrite --allow-list with the cases that pass in this run"));
static cl::opt<std::string>
    docFile("write-doc", cl::desc("Write the supported-ops table (markdown)"));
static cl::opt<std::string>
    totalsFile("totals-file",
               cl::desc("Also write the one-line totals to this file"));
static cl::opt<bool> verbose("v", cl::desc("Print every case"));
static cl::opt<unsigned> timeLimit("time-limit", cl::init(120),
                                   cl::desc("Seconds per case"));

namespace {

enum class Status { Passed, Failed, Unsupported };

struct CaseResult {
  std::string name;
  std::string op; // the op the case tests
  Status status = Status::Failed;
  std::string detail;
};

std::string snakeCase(llvm::StringRef camel) {
  std::string out;
  for (size_t i = 0; i < camel.size(); ++i) {
    char c = camel[i];
    if (llvm::isUpper(c)) {
      bool prevLower = i > 0 && !llvm::isUpper(camel[i - 1]);
      bool nextLower = i + 1 < camel.size() && llvm::isLower(camel[i + 1]);
      if (i > 0 && (prevLower || (nextLower && llvm::isUpper(camel[i - 1]))))
        out += '_';
      out += llvm::toLower(c);
    } else {
      out += c;
    }
  }
  return out;
}

/// The op a case tests: the supported or used op type whose snake_case name
/// is the longest prefix of the case name ("test_layer_normalization_2d" ->
/// LayerNormalization); else the first node's op.
std::string caseOp(llvm::StringRef caseName, const onnx::ModelProto &model,
                   const std::set<std::string> &knownOps) {
  llvm::StringRef rest = caseName;
  rest.consume_front("test_");
  std::set<std::string> candidates(knownOps);
  for (const auto &node : model.graph().node())
    candidates.insert(node.op_type());
  std::string best;
  for (const std::string &op : candidates) {
    std::string snake = snakeCase(op);
    if ((rest == snake || rest.starts_with(snake + "_")) &&
        snake.size() > snakeCase(best).size())
      best = op;
  }
  if (best.empty() && model.graph().node_size())
    best = model.graph().node(0).op_type();
  return best.empty() ? "(none)" : best;
}

bool allClose(const npy::Array &actual, const npy::Array &expected,
              std::string &detail) {
  if (actual.shape != expected.shape) {
    detail = "result shape differs from the expected one";
    return false;
  }
  for (int64_t i = 0, e = actual.numElements(); i < e; ++i) {
    double a = npy::elementAsDouble(actual, i);
    double x = npy::elementAsDouble(expected, i);
    if (a == x || (std::isnan(a) && std::isnan(x)))
      continue;
    if (!(std::fabs(a - x) <= 1e-5 + 1e-3 * std::fabs(x))) {
      detail = "element " + std::to_string(i) + " is " + std::to_string(a) +
               ", expected " + std::to_string(x);
      return false;
    }
  }
  return true;
}

/// Imports, compiles and runs one supported case; sets status and detail.
void runCase(llvm::StringRef caseDir, const std::string &modelBytes,
             CaseResult &result) {
  DialectRegistry registry;
  registerMixcDialects(registry);
  MLIRContext context(registry);
  context.disableMultithreading();
  std::string error;
  OwningOpRef<ModuleOp> module =
      importOnnxBuffer(modelBytes, caseDir, &context, {}, error);
  if (!module) {
    result.detail = "import: " + error;
    return;
  }
  std::unique_ptr<CpuRunner> runner = CpuRunner::compile(*module, "", error);
  if (!runner) {
    result.detail = "compile: " + error.substr(0, 300);
    return;
  }
  std::error_code ec;
  std::vector<std::string> dataSets;
  for (llvm::sys::fs::directory_iterator it(caseDir, ec), end; !ec && it != end;
       it.increment(ec))
    if (llvm::StringRef(llvm::sys::path::filename(it->path()))
            .starts_with("test_data_set_"))
      dataSets.push_back(it->path());
  llvm::sort(dataSets);
  for (const std::string &dataSet : dataSets) {
    auto readAll = [&](llvm::StringRef prefix, std::vector<npy::Array> &out) {
      for (int i = 0;; ++i) {
        llvm::SmallString<256> path(dataSet);
        llvm::sys::path::append(path, prefix + std::to_string(i) + ".pb");
        if (!llvm::sys::fs::exists(path))
          return true;
        npy::Array array;
        if (!readTensorProtoFile(path, array, error))
          return false;
        out.push_back(std::move(array));
      }
    };
    std::vector<npy::Array> inputs, expected, actual;
    if (!readAll("input_", inputs) || !readAll("output_", expected)) {
      result.detail = "data: " + error;
      return;
    }
    if (!runner->run(inputs, actual, error)) {
      result.detail = "run: " + error;
      return;
    }
    if (actual.size() != expected.size()) {
      result.detail = "run: " + std::to_string(actual.size()) +
                      " results, expected " + std::to_string(expected.size());
      return;
    }
    for (size_t i = 0; i < actual.size(); ++i) {
      std::string detail;
      if (!allClose(actual[i], expected[i], detail)) {
        result.detail = llvm::sys::path::filename(dataSet).str() + " output " +
                        std::to_string(i) + ": " + detail;
        return;
      }
    }
  }
  result.status = Status::Passed;
}

/// Runs runCase in a child process: a crash or a hang fails only this case.
void runIsolated(llvm::StringRef caseDir, const std::string &modelBytes,
                 CaseResult &result) {
  int pipeFds[2];
  if (pipe(pipeFds) != 0) {
    result.detail = "pipe() failed";
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(pipeFds[0]);
    alarm(timeLimit);
    runCase(caseDir, modelBytes, result);
    std::string message =
        (result.status == Status::Passed ? "P" : "F") + result.detail;
    (void)!write(pipeFds[1], message.data(), message.size());
    _exit(0);
  }
  close(pipeFds[1]);
  std::string message;
  char buffer[4096];
  ssize_t n;
  while ((n = read(pipeFds[0], buffer, sizeof(buffer))) > 0)
    message.append(buffer, n);
  close(pipeFds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (message.empty()) {
    result.detail =
        WIFSIGNALED(status)
            ? "crashed (signal " + std::to_string(WTERMSIG(status)) + ")"
            : "no result";
    return;
  }
  result.status = message[0] == 'P' ? Status::Passed : Status::Failed;
  result.detail = message.substr(1);
}

std::string escapeCell(std::string text) {
  for (char &c : text)
    if (c == '|' || c == '\n')
      c = ' ';
  return text;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "ONNX backend node tests through mixc's importer and CPU path\n");

  std::set<std::string> supportedOps;
  for (const OnnxOpSupport &op : getSupportedOnnxOps())
    supportedOps.insert(op.opType);

  std::vector<std::string> caseDirs;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dataDir, ec), end; !ec && it != end;
       it.increment(ec))
    if (filter.empty() ||
        llvm::StringRef(llvm::sys::path::filename(it->path())).contains(filter))
      caseDirs.push_back(it->path());
  if (ec) {
    llvm::errs() << "onnx-backend-test: cannot read " << dataDir << ": "
                 << ec.message() << "\n";
    return 1;
  }
  llvm::sort(caseDirs);

  std::vector<CaseResult> results;
  for (const std::string &caseDir : caseDirs) {
    CaseResult result;
    result.name = llvm::sys::path::filename(caseDir).str();
    llvm::SmallString<256> modelPath(caseDir);
    llvm::sys::path::append(modelPath, "model.onnx");
    auto file = llvm::MemoryBuffer::getFile(modelPath);
    onnx::ModelProto model;
    if (!file || !model.ParseFromArray((*file)->getBufferStart(),
                                       (*file)->getBufferSize())) {
      result.detail = "cannot read model.onnx";
      results.push_back(result);
      continue;
    }
    result.op = caseOp(result.name, model, supportedOps);
    int64_t opset = 0;
    for (const auto &entry : model.opset_import())
      if (entry.domain().empty() || entry.domain() == "ai.onnx")
        opset = entry.version();
    std::set<std::string> missing;
    for (const auto &node : model.graph().node()) {
      bool supported = false;
      for (const OnnxOpSupport &op : getSupportedOnnxOps())
        supported |= op.opType == node.op_type() && op.minOpset <= opset &&
                     opset <= op.maxOpset && node.domain().empty();
      if (!supported)
        missing.insert(node.op_type() + " (opset " + std::to_string(opset) +
                       ")");
    }
    if (!missing.empty()) {
      result.status = Status::Unsupported;
      result.detail = llvm::join(missing, ", ");
    } else {
      runIsolated(caseDir, (*file)->getBuffer().str(), result);
    }
    if (verbose || result.status == Status::Failed)
      llvm::outs() << (result.status == Status::Passed   ? "PASS "
                       : result.status == Status::Failed ? "FAIL "
                                                         : "UNSUPPORTED ")
                   << result.name
                   << (result.detail.empty() ? "" : ": " + result.detail)
                   << "\n";
    results.push_back(result);
  }

  // Per-op counts.
  struct Counts {
    int passed = 0, failed = 0, unsupported = 0;
  };
  std::map<std::string, Counts> perOp;
  int passed = 0, failed = 0, unsupported = 0;
  for (const CaseResult &result : results) {
    Counts &counts = perOp[result.op];
    if (result.status == Status::Passed)
      ++counts.passed, ++passed;
    else if (result.status == Status::Failed)
      ++counts.failed, ++failed;
    else
      ++counts.unsupported, ++unsupported;
  }
  std::string totals = "onnx-backend-test: " + std::to_string(passed) +
                       " passed, " + std::to_string(failed) + " failed, " +
                       std::to_string(unsupported) + " unsupported, of " +
                       std::to_string(results.size()) + " cases in " +
                       dataDir.getValue();
  llvm::outs() << totals << "\n";
  if (!totalsFile.empty())
    std::ofstream(totalsFile) << totals << "\n";
  // One row per op: its opset ranges, and its notes (each prefixed with its
  // range when the op has several).
  std::map<std::string, std::vector<OnnxOpSupport>> decls;
  for (const OnnxOpSupport &op : getSupportedOnnxOps())
    decls[op.opType].push_back(op);
  struct OpRow {
    std::string opsets, notes;
  };
  std::map<std::string, OpRow> opRows;
  for (const auto &[opType, ranges] : decls) {
    OpRow &row = opRows[opType];
    for (const OnnxOpSupport &op : ranges) {
      std::string range =
          std::to_string(op.minOpset) + "-" + std::to_string(op.maxOpset);
      row.opsets += (row.opsets.empty() ? "" : ", ") + range;
      if (op.notes.empty())
        continue;
      row.notes += (row.notes.empty() ? "" : "; ") +
                   (ranges.size() > 1 ? "opset " + range + ": " : "") +
                   op.notes;
    }
  }
  for (const auto &[opType, row] : opRows) {
    Counts counts = perOp[opType];
    if (counts.passed + counts.failed + counts.unsupported == 0)
      continue;
    llvm::outs() << llvm::format("  %-22s %3d/%-3d passed", opType.c_str(),
                                 counts.passed, counts.passed + counts.failed);
    if (counts.unsupported)
      llvm::outs() << " (" << counts.unsupported
                   << " more cases need unsupported ops or opsets)";
    llvm::outs() << "\n";
  }

  int exitCode = 0;
  if (!allowList.empty()) {
    std::set<std::string> mustPass;
    std::ifstream in(allowList);
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] != '#')
        mustPass.insert(line);
    std::set<std::string> passing;
    for (const CaseResult &result : results)
      if (result.status == Status::Passed)
        passing.insert(result.name);
    for (const std::string &name : mustPass) {
      if (!passing.count(name) &&
          (filter.empty() || llvm::StringRef(name).contains(filter))) {
        llvm::outs() << "REGRESSION: allow-listed case " << name
                     << " did not pass\n";
        exitCode = 1;
      }
    }
    int fresh = 0;
    for (const std::string &name : passing)
      fresh += !mustPass.count(name);
    if (fresh && !updateAllowList)
      llvm::outs() << fresh
                   << " passing cases are not in the allow-list yet "
                      "(--update-allow-list adds them)\n";
    if (updateAllowList) {
      std::ofstream out(allowList);
      out << "# ONNX backend node cases that must pass (onnx-backend-test "
             "--update-allow-list)\n";
      for (const std::string &name : passing)
        out << name << "\n";
    }
  }

  if (!docFile.empty()) {
    std::ofstream doc(docFile);
    doc << "# ONNX ops supported by mixc-translate --import-onnx\n\n"
        << "Generated by `onnx-backend-test --write-doc` from the op table "
           "(lib/Import/ONNX) and a run of ONNX's backend node tests "
           "(Debian's libonnx-testdata 1.12) on the CPU path. A case counts "
           "for the op its name tests.\n\n"
        << "Totals: " << passed << " passed, " << failed << " failed, "
        << unsupported << " need ops or opsets not supported, of "
        << results.size() << " cases.\n\n"
        << "| op | opsets | backend tests passed | notes |\n"
        << "|---|---|---|---|\n";
    for (const auto &[opType, row] : opRows) {
      Counts counts = perOp[opType];
      doc << "| `" << opType << "` | " << row.opsets << " | " << counts.passed
          << "/" << counts.passed + counts.failed
          << (counts.unsupported
                  ? " (+" + std::to_string(counts.unsupported) + " unsupported)"
                  : std::string())
          << " | " << escapeCell(row.notes) << " |\n";
    }
    doc << "\n## Failing cases of supported ops\n\n";
    for (const CaseResult &result : results)
      if (result.status == Status::Failed)
        doc << "- `" << result.name << "`: " << escapeCell(result.detail)
            << "\n";
    doc << "\n## Cases that need unsupported ops\n\n"
        << "| case | tests | unsupported |\n|---|---|---|\n";
    for (const CaseResult &result : results)
      if (result.status == Status::Unsupported)
        doc << "| `" << result.name << "` | " << result.op << " | "
            << escapeCell(result.detail) << " |\n";
  }
  return exitCode;
}
