//===- DecomposeTest.cpp - Property tests of the CPU decomposition --------===//
//
// For every mix op, many seeded random cases drawn over shapes and attributes
// (edge cases included): each case is generated as MLIR text (one function
// with one mix op), parsed, lowered through --mix-cpu-pipeline (which starts
// with --mix-decompose) and JIT-run by CpuRunner on random inputs; the results
// are compared with the independent double-precision reference
// (mixc/Reference/Reference.h) evaluated on the SAME input values, i.e. values
// already rounded to the input element type.
//
// Tolerances (relative L2 error over the whole result, see relativeL2Error):
//  - f32 results: 1e-5. The decomposition computes in f32; on these small
//    problems its rounding error stays near 1e-7.
//  - f16 / bf16 results: the decomposition widens every input to f32,
//    computes in f32 and rounds once at the end. Rounding to nearest gives
//    |round(y) - y| <= u |y| per normal element (u = 2^-11 for f16, 2^-8 for
//    bf16; no value here comes near overflow, and an f16 subnormal is off by
//    at most 2^-25, negligible against the norm), hence relative L2 <=
//    u + (f32 error): about 4.9e-4 (f16) and 3.9e-3 (bf16). The worst cases
//    seen sit near 0.6 u. We use 2e-3 for f16 and 1e-2 for bf16 (about 4x
//    and 2.5x that bound); a wrong result is off by far more. Mixed cases
//    (f16/bf16 inputs, f32 result) use the f32 tolerance.
//  - lse (always f32): 1e-5, whatever the input type.
//  - permute moves values without arithmetic: it must be exact.
// The binary prints, per op and type (input -> result), the number of cases
// and the worst error seen, and how many cases exercised each feature.
//
// Each case is compiled and run by a forked worker process (one per test,
// serving case after case), so that a compiler crash fails that one case,
// with its seed and module, instead of ending the binary.
//
// Reproducing a case: every case has a seed (printed on failure with its MLIR
// text). MIXC_DECOMPOSE_SEED=<seed> runs only that case;
// MIXC_DECOMPOSE_DUMP=<dir> writes each failing case as <dir>/<seed>.mlir plus
// <dir>/<seed>.arg<i>.npy, to be replayed with
// `mixc-run <seed>.mlir --input <seed>.arg0.npy ...`. MIXC_DECOMPOSE_CASES=<n>
// changes the number of cases per op (default below); MIXC_DECOMPOSE_VERBOSE=1
// prints every case's module before it runs; MIXC_DECOMPOSE_NO_FORK=1 runs the
// cases in-process (for a debugger).
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/Execution/CpuRunner.h"
#include "mixc/Reference/Reference.h"
#include "mixc/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;
namespace npy = mixc::npy;
namespace ref = mixc::reference;
using ref::Tensor;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kDefaultCases = 120;

// Tolerances; see the file comment for their derivation.
constexpr double kTolF32 = 1e-5;
constexpr double kTolF16 = 2e-3;
constexpr double kTolBF16 = 1e-2;

//===----------------------------------------------------------------------===//
// Random numbers (own distributions: std::uniform_*_distribution is not
// specified bit-exactly, and cases must be identical on every platform)
//===----------------------------------------------------------------------===//

class Rng {
public:
  explicit Rng(uint64_t seed) : engine(seed) {}

  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) {
    double unit = static_cast<double>(engine() >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * unit;
  }
  /// Uniform integer in [lo, hi].
  int64_t intIn(int64_t lo, int64_t hi) {
    return lo +
           static_cast<int64_t>(engine() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform(0.0, 1.0) < p; }
  template <typename T> T pick(std::initializer_list<T> options) {
    return options.begin()[intIn(0, static_cast<int64_t>(options.size()) - 1)];
  }
  /// A random divisor of n.
  int64_t divisorOf(int64_t n) {
    std::vector<int64_t> divisors;
    for (int64_t d = 1; d <= n; ++d)
      if (n % d == 0)
        divisors.push_back(d);
    return divisors[intIn(0, static_cast<int64_t>(divisors.size()) - 1)];
  }
  std::vector<double> values(int64_t count, double lo, double hi) {
    std::vector<double> result(static_cast<size_t>(count));
    for (double &v : result)
      v = uniform(lo, hi);
    return result;
  }
  /// `rows` random permutations of 0..len-1, concatenated.
  std::vector<int64_t> permutations(int64_t rows, int64_t len) {
    std::vector<int64_t> result;
    for (int64_t row = 0; row < rows; ++row) {
      std::vector<int64_t> perm(static_cast<size_t>(len));
      std::iota(perm.begin(), perm.end(), 0);
      for (int64_t i = len - 1; i > 0; --i) // Fisher-Yates
        std::swap(perm[i], perm[intIn(0, i)]);
      result.insert(result.end(), perm.begin(), perm.end());
    }
    return result;
  }

private:
  std::mt19937_64 engine;
};

//===----------------------------------------------------------------------===//
// Element types and MLIR text
//===----------------------------------------------------------------------===//

enum class Elem { F32, F16, BF16, I1, I8, I32, I64 };

const char *mlirName(Elem e) {
  switch (e) {
  case Elem::F32:
    return "f32";
  case Elem::F16:
    return "f16";
  case Elem::BF16:
    return "bf16";
  case Elem::I1:
    return "i1";
  case Elem::I8:
    return "i8";
  case Elem::I32:
    return "i32";
  case Elem::I64:
    return "i64";
  }
  return "?";
}

npy::DType npyType(Elem e) {
  switch (e) {
  case Elem::F32:
    return npy::DType::F32;
  case Elem::F16:
    return npy::DType::F16;
  case Elem::BF16:
    return npy::DType::BF16;
  case Elem::I1:
    return npy::DType::Bool;
  case Elem::I8:
    return npy::DType::I8;
  case Elem::I32:
    return npy::DType::I32;
  case Elem::I64:
    return npy::DType::I64;
  }
  return npy::DType::F32;
}

double toleranceFor(Elem result) {
  switch (result) {
  case Elem::F16:
    return kTolF16;
  case Elem::BF16:
    return kTolBF16;
  default:
    return kTolF32;
  }
}

/// f32 (60%), f16 (20%) or bf16 (20%): the element type class of a case.
Elem floatClass(Rng &rng) {
  double r = rng.uniform(0, 1);
  return r < 0.6 ? Elem::F32 : r < 0.8 ? Elem::F16 : Elem::BF16;
}

/// The class itself, or (with probability p) f32 instead: auxiliary operands
/// and results may differ from the main inputs.
Elem classOrF32(Rng &rng, Elem cls, double p = 0.3) {
  return rng.chance(p) ? Elem::F32 : cls;
}

std::string tensorType(const std::vector<int64_t> &shape,
                       const std::vector<bool> &dynamic, Elem elem) {
  std::string text = "tensor<";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (dynamic.size() > i && dynamic[i] ? std::string("?")
                                              : std::to_string(shape[i])) +
            "x";
  return text + mlirName(elem) + ">";
}

/// Which dims of an operand are `?` in the signature: none unless `enabled`,
/// else each with probability 1/2.
std::vector<bool> dynamicDims(Rng &rng, size_t rank, bool enabled) {
  std::vector<bool> dynamic(rank, false);
  if (enabled)
    for (size_t i = 0; i < rank; ++i)
      dynamic[i] = rng.chance(0.5);
  return dynamic;
}

/// An f32 attribute value that prints and parses back exactly.
std::string f32Literal(float value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.9e : f32", value);
  return buffer;
}

/// The spelling of enum attributes. MixOps.td documents
/// `#mix.feature_map<relu>`; should that form not parse (an old bug of
/// MixAttrs.td, covered by test/Dialect/mix/enums.mlir), the generic form
/// `#mix<feature_map relu>` is used so that the decomposition is still tested,
/// and the summary says so.
bool gDocumentedEnumSyntax = true;

std::string enumAttr(const char *mnemonic, const std::string &value) {
  if (gDocumentedEnumSyntax)
    return std::string("#mix.") + mnemonic + "<" + value + ">";
  return std::string("#mix<") + mnemonic + " " + value + ">";
}

//===----------------------------------------------------------------------===//
// A case: function arguments, their arrays, the op text
//===----------------------------------------------------------------------===//

struct Case {
  uint64_t seed = 0;
  std::vector<std::string> argDecls;  // "%q: tensor<...>"
  std::vector<npy::Array> inputs;     // in argument order
  std::vector<std::string> bodyLines; // extra ops before the mix op
  std::string text;                   // the module, once finished
  std::vector<std::string> tags;      // features this case exercises

  void tag(const std::string &feature) { tags.push_back(feature); }

  /// Adds argument %name of `elem` and `shape` (`dynamic` dims printed as ?)
  /// holding `values` rounded to `elem`; returns the rounded values, which is
  /// what the reference must see.
  Tensor addArg(const std::string &name, Elem elem,
                const std::vector<int64_t> &shape,
                const std::vector<bool> &dynamic,
                const std::vector<double> &values,
                std::string *type = nullptr) {
    npy::Array array = npy::fromDoubles(npyType(elem), shape, values);
    Tensor rounded(shape);
    for (int64_t i = 0; i < rounded.numElements(); ++i)
      rounded.data[i] = npy::elementAsDouble(array, i);
    std::string t = tensorType(shape, dynamic, elem);
    argDecls.push_back("%" + name + ": " + t);
    inputs.push_back(std::move(array));
    if (type)
      *type = t;
    return rounded;
  }

  /// Finishes the module: one function @main with the arguments, the extra
  /// body lines, `opLine` (which defines the results) and a return.
  void finish(const std::string &opLine,
              const std::vector<std::string> &resultNames,
              const std::vector<std::string> &resultTypes) {
    std::ostringstream os;
    os << "func.func @main(";
    for (size_t i = 0; i < argDecls.size(); ++i)
      os << (i ? ",\n    " : "") << argDecls[i];
    os << ") -> (" << join(resultTypes) << ") {\n";
    for (const std::string &line : bodyLines)
      os << "  " << line << "\n";
    os << "  " << opLine << "\n";
    os << "  return " << join(resultNames, "%") << " : " << join(resultTypes)
       << "\n}\n";
    text = os.str();
  }

  static std::string join(const std::vector<std::string> &items,
                          const std::string &prefix = "") {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i)
      out += (i ? ", " : "") + prefix + items[i];
    return out;
  }
};

/// "(T0, T1) -> R" or "(T0, T1) -> (R0, R1)".
std::string functionalType(const std::vector<std::string> &operands,
                           const std::vector<std::string> &results) {
  std::string text = "(" + Case::join(operands) + ") -> ";
  if (results.size() == 1)
    return text + results[0];
  return text + "(" + Case::join(results) + ")";
}

std::string attrDict(const std::vector<std::string> &attrs) {
  if (attrs.empty())
    return "";
  return " {" + Case::join(attrs) + "}";
}

//===----------------------------------------------------------------------===//
// Compile, run, compare, record
//===----------------------------------------------------------------------===//

struct Record {
  int64_t cases = 0;
  int64_t failures = 0;
  double worst = 0.0;
  double tolerance = 0.0;
};

struct OpStats {
  int64_t cases = 0;
  int64_t failures = 0; // cases with any failure
  double seconds = 0.0;
  int64_t runFailures = 0; // cases that failed to parse, compile or run
  std::map<std::string, Record> byType;    // "bf16->f32", "lse (f16 in)", ...
  std::map<std::string, int64_t> coverage; // feature tag -> cases
};

std::map<std::string, OpStats> &stats() {
  static std::map<std::string, OpStats> table;
  return table;
}

std::string formatError(double e) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g", e);
  return buffer;
}

void printSummary(std::ostream &os, const std::string &onlyOp = "") {
  os << "\n=== mix decomposition vs double reference (relative L2 error) ===\n";
  char line[256];
  std::snprintf(line, sizeof(line), "%-17s %-20s %7s %12s %10s %8s\n", "op",
                "types (in->out)", "cases", "worst error", "tolerance",
                "failed");
  os << line;
  for (const auto &[op, opStats] : stats()) {
    if (!onlyOp.empty() && op != onlyOp)
      continue;
    for (const auto &[type, record] : opStats.byType) {
      std::snprintf(line, sizeof(line), "%-17s %-20s %7lld %12s %10s %8lld\n",
                    op.c_str(), type.c_str(),
                    static_cast<long long>(record.cases),
                    formatError(record.worst).c_str(),
                    formatError(record.tolerance).c_str(),
                    static_cast<long long>(record.failures));
      os << line;
    }
    std::snprintf(line, sizeof(line),
                  "%-17s %-20s %7lld %12s %10s %8lld  (%lld did not compile "
                  "or run; %.1f s)\n",
                  op.c_str(), "all cases",
                  static_cast<long long>(opStats.cases), "", "",
                  static_cast<long long>(opStats.failures),
                  static_cast<long long>(opStats.runFailures), opStats.seconds);
    os << line;
    std::string coverage = "    coverage:";
    size_t width = coverage.size();
    for (const auto &[feature, count] : opStats.coverage) {
      std::string item = " " + feature + " " + std::to_string(count) + ",";
      if (width + item.size() > 100) {
        coverage += "\n             ";
        width = 13;
      }
      coverage += item;
      width += item.size();
    }
    if (!coverage.empty() && coverage.back() == ',')
      coverage.pop_back();
    os << coverage << "\n";
  }
  if (!gDocumentedEnumSyntax)
    os << "NOTE: '#mix.feature_map<...>' / '#mix.direction<...>' (the syntax "
          "MixOps.td documents) does not parse; cases used the generic form "
          "'#mix<feature_map ...>'.\n";
  os << std::flush;
}

std::vector<double> toDoubles(const npy::Array &array) {
  std::vector<double> out(static_cast<size_t>(array.numElements()));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = npy::elementAsDouble(array, static_cast<int64_t>(i));
  return out;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Runs one test's cases: the MLIRContext, the case loop with seeds and
/// timing, and the per-case compile/run/compare.
class PropertyRunner {
public:
  explicit PropertyRunner(std::string op, uint64_t seedBase)
      : op(std::move(op)), seedBase(seedBase) {
    DialectRegistry registry;
    mixc::registerMixcDialects(registry);
    // No thread pool: the process forks its worker (see
    // compileAndRunIsolated), and one function per module gains nothing.
    context = std::make_unique<MLIRContext>(registry,
                                            MLIRContext::Threading::DISABLED);
    context->loadAllAvailableDialects();
    // Warm up in this process: the first compilation initializes LLVM's
    // targets and many lazily built tables; done here, a forked worker (see
    // compileAndRunIsolated) inherits them instead of redoing it.
    Case warmUp;
    warmUp.addArg("x", Elem::F32, {2, 3}, {}, {1, 2, 3, 4, 5, 6});
    warmUp.addArg("f1", Elem::F32, {1, 3, 3}, {}, std::vector<double>(9, 1));
    warmUp.addArg("f2", Elem::F32, {1, 3, 3}, {}, std::vector<double>(9, 1));
    warmUp.finish("%y = mix.monarch %x, %f1, %f2 : (tensor<2x3xf32>, "
                  "tensor<1x3x3xf32>, tensor<1x3x3xf32>) -> tensor<2x3xf32>",
                  {"y"}, {"tensor<2x3xf32>"});
    std::vector<npy::Array> results;
    std::string error;
    if (!compileAndRun(warmUp, results, error))
      ADD_FAILURE() << "warm-up case failed: " << error << "\n" << warmUp.text;
  }

  ~PropertyRunner() {
    stopWorker();
    printSummary(std::cout, op);
  }

  /// Calls `generate(rng, c)` for every case; it fills `c` (module text,
  /// inputs) and returns the checks to run on the results.
  using Check = std::function<void(const std::vector<npy::Array> &)>;
  void run(const std::function<Check(Rng &, Case &)> &generate) {
    int cases = kDefaultCases;
    if (const char *env = std::getenv("MIXC_DECOMPOSE_CASES"))
      cases = std::atoi(env);
    const char *onlySeed = std::getenv("MIXC_DECOMPOSE_SEED");
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < cases; ++i) {
      uint64_t seed = seedBase + static_cast<uint64_t>(i);
      if (onlySeed && std::strtoull(onlySeed, nullptr, 10) != seed)
        continue;
      Rng rng(seed);
      Case c;
      c.seed = seed;
      Check check = generate(rng, c);
      if (std::getenv("MIXC_DECOMPOSE_VERBOSE"))
        std::cerr << "--- " << op << " case seed " << seed << "\n"
                  << c.text << std::flush;
      caseFailed = false;
      {
        SCOPED_TRACE("case seed " + std::to_string(seed) +
                     " (rerun alone with MIXC_DECOMPOSE_SEED=" +
                     std::to_string(seed) + "), module:\n" + c.text);
        std::vector<npy::Array> results;
        std::string error;
        if (compileAndRunIsolated(c, results, error)) {
          check(results);
        } else {
          ++stats()[op].runFailures;
          fail("compile/run failed: " + error);
        }
      }
      OpStats &s = stats()[op];
      ++s.cases;
      for (const std::string &feature : c.tags)
        ++s.coverage[feature];
      if (caseFailed) {
        ++s.failures;
        dump(c);
      }
    }
    stats()[op].seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }

  /// Compares `actual` with `expected` (shape and relative L2 error) and
  /// The check of a case with one result, compared with `expected` within
  /// `tolerance` (relative L2) and recorded under `typeKey`.
  Check expectOneResultClose(std::string what, std::string typeKey,
                             double tolerance, Tensor expected) {
    return [this, what, typeKey, tolerance,
            expected](const std::vector<npy::Array> &results) {
      if (results.size() != 1u)
        return fail("wrong number of results");
      expectClose(what, typeKey, tolerance, results[0], expected);
    };
  }

  /// records the error under `typeKey`.
  void expectClose(const std::string &what, const std::string &typeKey,
                   double tolerance, const npy::Array &actual,
                   const Tensor &expected) {
    Record &record = stats()[op].byType[typeKey];
    record.tolerance = tolerance;
    ++record.cases;
    if (actual.shape != expected.shape) {
      ++record.failures;
      fail(what + ": result shape " + shapeText(actual.shape) +
           " != expected " + shapeText(expected.shape));
      return;
    }
    std::vector<double> values = toDoubles(actual);
    double error = ref::relativeL2Error(values, expected.data);
    double maxAbs = ref::maxAbsError(values, expected.data);
    if (std::isnan(error))
      record.worst = error;
    else if (!std::isnan(record.worst))
      record.worst = std::max(record.worst, error);
    if (!(error <= tolerance)) {
      ++record.failures;
      // Locate the worst element for the message.
      size_t worstAt = 0;
      double worstDiff = -1;
      for (size_t i = 0; i < values.size(); ++i) {
        double d = values[i] == expected.data[i]
                       ? 0.0
                       : std::fabs(values[i] - expected.data[i]);
        if (std::isnan(d))
          d = kInf;
        if (d > worstDiff) {
          worstDiff = d;
          worstAt = i;
        }
      }
      std::ostringstream os;
      os << what << ": relative L2 error " << error << " > tolerance "
         << tolerance << " (max abs error " << maxAbs << "; worst at flat "
         << worstAt << ": got " << values[worstAt] << ", want "
         << expected.data[worstAt] << ")";
      fail(os.str());
    }
  }

  /// Exact comparison (permute).
  void expectEqual(const std::string &what, const std::string &typeKey,
                   const npy::Array &actual, const Tensor &expected) {
    expectClose(what, typeKey, 0.0, actual, expected);
  }

  void fail(const std::string &message) {
    caseFailed = true;
    ADD_FAILURE() << message;
  }

private:
  bool compileAndRun(const Case &c, std::vector<npy::Array> &results,
                     std::string &error) {
    std::string diagnostics;
    OwningOpRef<ModuleOp> module;
    {
      ScopedDiagnosticHandler handler(context.get(), [&](Diagnostic &diag) {
        llvm::raw_string_ostream os(diagnostics);
        os << diag.getLocation() << ": " << diag << "\n";
        return success();
      });
      module = parseSourceString<ModuleOp>(c.text, context.get());
    }
    if (!module) {
      error = "parse failed:\n" + diagnostics;
      return false;
    }
    std::unique_ptr<mixc::CpuRunner> runner =
        mixc::CpuRunner::compile(*module, "main", error);
    if (!runner)
      return false;
    return runner->run(c.inputs, results, error);
  }

  //===--------------------------------------------------------------------===//
  // Crash isolation: cases are compiled and run by a forked worker process
  // that serves one case after another over two pipes. A crash of the
  // compiler (or of the generated code) fails that case only, with its seed
  // and module; a new worker serves the next case. MIXC_DECOMPOSE_NO_FORK=1
  // runs everything in-process instead (for a debugger).
  //===--------------------------------------------------------------------===//

  static void putBytes(std::vector<uint8_t> &out, const void *data,
                       size_t size) {
    const uint8_t *bytes = static_cast<const uint8_t *>(data);
    out.insert(out.end(), bytes, bytes + size);
  }
  static void putU64(std::vector<uint8_t> &out, uint64_t value) {
    putBytes(out, &value, sizeof(value));
  }
  static void putArray(std::vector<uint8_t> &out, const npy::Array &array) {
    out.push_back(static_cast<uint8_t>(array.dtype));
    putU64(out, array.shape.size());
    for (int64_t dim : array.shape)
      putU64(out, static_cast<uint64_t>(dim));
    putU64(out, array.bytes.size());
    putBytes(out, array.bytes.data(), array.bytes.size());
  }

  /// Reads from a received message; `ok` turns false on a short message.
  struct Reader {
    const std::vector<uint8_t> &data;
    size_t at = 0;
    bool ok = true;
    void take(void *out, size_t size) {
      if (!ok || at + size > data.size()) {
        ok = false;
        return;
      }
      std::memcpy(out, data.data() + at, size);
      at += size;
    }
    uint64_t u64() {
      uint64_t value = 0;
      take(&value, sizeof(value));
      return value;
    }
    std::string string() {
      uint64_t size = u64();
      if (!ok || size > data.size() - at)
        return ok = false, std::string();
      std::string value(reinterpret_cast<const char *>(data.data() + at),
                        static_cast<size_t>(size));
      at += static_cast<size_t>(size);
      return value;
    }
    npy::Array array() {
      npy::Array array;
      uint8_t dtype = 0;
      take(&dtype, 1);
      array.dtype = static_cast<npy::DType>(dtype);
      uint64_t rank = u64();
      if (!ok || rank > 64)
        return ok = false, array;
      array.shape.resize(static_cast<size_t>(rank));
      for (int64_t &dim : array.shape)
        dim = static_cast<int64_t>(u64());
      uint64_t size = u64();
      if (!ok || size > data.size() - at)
        return ok = false, array;
      array.bytes.assign(data.begin() + at, data.begin() + at + size);
      at += static_cast<size_t>(size);
      return array;
    }
  };

  /// Writes a length-prefixed message; false if the other side is gone.
  static bool sendMessage(int fd, const std::vector<uint8_t> &payload) {
    std::vector<uint8_t> message;
    putU64(message, payload.size());
    message.insert(message.end(), payload.begin(), payload.end());
    size_t written = 0;
    while (written < message.size()) {
      ssize_t n = write(fd, message.data() + written, message.size() - written);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      written += static_cast<size_t>(n);
    }
    return true;
  }

  static bool readExactly(int fd, void *out, size_t size) {
    uint8_t *bytes = static_cast<uint8_t *>(out);
    size_t done = 0;
    while (done < size) {
      ssize_t n = read(fd, bytes + done, size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  /// Reads one length-prefixed message; false at end of file or on error.
  static bool receiveMessage(int fd, std::vector<uint8_t> &payload) {
    uint64_t size = 0;
    if (!readExactly(fd, &size, sizeof(size)) || size > (uint64_t(1) << 34))
      return false;
    payload.resize(static_cast<size_t>(size));
    return readExactly(fd, payload.data(), payload.size());
  }

  /// The worker's loop: request = text + inputs, response = ok, error,
  /// results. Never returns.
  [[noreturn]] void serve(int requests, int responses) {
    std::vector<uint8_t> request;
    while (receiveMessage(requests, request)) {
      Reader reader{request};
      Case c;
      c.text = reader.string();
      uint64_t count = reader.u64();
      for (uint64_t i = 0; reader.ok && i < count; ++i)
        c.inputs.push_back(reader.array());
      std::vector<npy::Array> results;
      std::string error;
      bool ok = reader.ok && compileAndRun(c, results, error);
      if (!reader.ok)
        error = "malformed request";
      std::vector<uint8_t> response;
      response.push_back(ok ? 1 : 0);
      putU64(response, error.size());
      putBytes(response, error.data(), error.size());
      putU64(response, results.size());
      for (const npy::Array &array : results)
        putArray(response, array);
      if (!sendMessage(responses, response))
        break;
    }
    _exit(0); // no destructors, no gtest teardown in the worker
  }

  bool startWorker(std::string &error) {
    int toWorker[2], fromWorker[2];
    if (pipe(toWorker) != 0 || pipe(fromWorker) != 0) {
      error = "pipe() failed";
      return false;
    }
    std::cout.flush();
    std::cerr.flush();
    pid_t pid = fork();
    if (pid < 0) {
      error = "fork() failed";
      return false;
    }
    if (pid == 0) {
      close(toWorker[1]);
      close(fromWorker[0]);
      serve(toWorker[0], fromWorker[1]);
    }
    close(toWorker[0]);
    close(fromWorker[1]);
    worker = pid;
    requestFd = toWorker[1];
    responseFd = fromWorker[0];
    return true;
  }

  /// Stops the worker; returns its wait status.
  int stopWorker() {
    if (worker <= 0)
      return 0;
    close(requestFd);
    close(responseFd);
    int status = 0;
    while (waitpid(worker, &status, 0) < 0 && errno == EINTR) {
    }
    worker = -1;
    return status;
  }

  bool compileAndRunIsolated(const Case &c, std::vector<npy::Array> &results,
                             std::string &error) {
    if (std::getenv("MIXC_DECOMPOSE_NO_FORK"))
      return compileAndRun(c, results, error);
    if (worker <= 0 && !startWorker(error))
      return false;
    std::vector<uint8_t> request;
    putU64(request, c.text.size());
    putBytes(request, c.text.data(), c.text.size());
    putU64(request, c.inputs.size());
    for (const npy::Array &array : c.inputs)
      putArray(request, array);
    std::vector<uint8_t> response;
    if (!sendMessage(requestFd, request) ||
        !receiveMessage(responseFd, response)) {
      int status = stopWorker();
      if (WIFSIGNALED(status))
        error = "the compiler crashed (signal " +
                std::to_string(WTERMSIG(status)) + ", " +
                strsignal(WTERMSIG(status)) +
                ") while compiling or running this case (in a worker "
                "process; MIXC_DECOMPOSE_NO_FORK=1 runs it in-process)";
      else
        error = "the worker process running this case exited (status " +
                std::to_string(status) + ")";
      return false;
    }
    Reader reader{response};
    uint8_t ok = 0;
    reader.take(&ok, 1);
    error = reader.string();
    uint64_t count = reader.u64();
    for (uint64_t i = 0; reader.ok && i < count; ++i)
      results.push_back(reader.array());
    if (!reader.ok) {
      error = "malformed response from the worker process";
      return false;
    }
    return ok != 0;
  }

  void dump(const Case &c) {
    const char *dir = std::getenv("MIXC_DECOMPOSE_DUMP");
    if (!dir)
      return;
    std::string base = std::string(dir) + "/" + std::to_string(c.seed);
    if (FILE *f = std::fopen((base + ".mlir").c_str(), "w")) {
      std::fputs(c.text.c_str(), f);
      std::fclose(f);
    }
    std::string error;
    for (size_t i = 0; i < c.inputs.size(); ++i)
      npy::writeNpy(base + ".arg" + std::to_string(i) + ".npy", c.inputs[i],
                    error);
  }

  std::string op;
  uint64_t seedBase;
  std::unique_ptr<MLIRContext> context;
  bool caseFailed = false;
  pid_t worker = -1;
  int requestFd = -1, responseFd = -1;
};

/// "bf16", or "bf16->f32" when the result type differs from the inputs'.
std::string typeKey(Elem in, Elem out) {
  if (in == out)
    return mlirName(in);
  return std::string(mlirName(in)) + "->" + mlirName(out);
}

/// Length drawn from 1..max, with extra weight on 1.
int64_t length(Rng &rng, int64_t max) {
  return rng.chance(0.15) ? 1 : rng.intIn(1, max);
}

//===----------------------------------------------------------------------===//
// mix.attention
//===----------------------------------------------------------------------===//

TEST(DecomposeProperty, Attention) {
  PropertyRunner runner("attention", 1000);
  runner.run([&](Rng &rng, Case &c) -> PropertyRunner::Check {
    const int64_t B = rng.intIn(1, 2);
    const int64_t Hkv = rng.pick<int64_t>({1, 2});
    const int64_t Hq = Hkv * rng.pick<int64_t>({1, 2, 8});
    const int64_t Lq = length(rng, 70);
    const int64_t Lk = rng.chance(0.25) ? Lq : length(rng, 70);
    const int64_t D = rng.chance(0.1) ? 1 : rng.intIn(1, 40);
    const int64_t Dv = rng.chance(0.1) ? 1 : rng.intIn(1, 40);
    const Elem cls = floatClass(rng);
    const Elem valueElem = rng.chance(0.15) ? Elem::F32 : cls;
    const Elem outElem = classOrF32(rng, cls, 0.15);
    const bool dynamic = rng.chance(0.3);

    ref::AttentionOptions options;
    std::vector<std::string> attrs;
    options.causal = rng.chance(0.4);
    if (options.causal)
      attrs.push_back("causal");
    // A window: 0, within the sequence, or wider than it.
    auto window = [&]() -> int64_t {
      switch (rng.intIn(0, 2)) {
      case 0:
        return 0;
      case 1:
        return rng.intIn(0, std::max(Lq, Lk));
      default:
        return rng.intIn(std::max(Lq, Lk), 100);
      }
    };
    if (rng.chance(0.4)) {
      options.windowLeft = window();
      attrs.push_back("window_left = " + std::to_string(*options.windowLeft) +
                      " : i64");
      if (rng.chance(0.5)) {
        options.sinkTokens =
            rng.chance(0.8) ? rng.intIn(1, 6) : rng.intIn(Lk, Lk + 3);
        attrs.push_back("sink_tokens = " + std::to_string(options.sinkTokens) +
                        " : i64");
      }
    }
    if (!options.causal && rng.chance(0.5)) {
      options.windowRight = window();
      attrs.push_back("window_right = " + std::to_string(*options.windowRight) +
                      " : i64");
    }
    if (rng.chance(0.3)) {
      float scale = static_cast<float>(rng.uniform(0.05, 1.5));
      options.scale = static_cast<double>(scale);
      attrs.push_back("scale = " + f32Literal(scale));
    }

    std::vector<std::string> operandTypes(3);
    const std::vector<bool> qDynamic = dynamicDims(rng, 4, dynamic);
    const std::vector<bool> vDynamic = dynamicDims(rng, 4, dynamic);
    Tensor q =
        c.addArg("q", cls, {B, Hq, Lq, D}, qDynamic,
                 rng.values(B * Hq * Lq * D, -1.5, 1.5), &operandTypes[0]);
    Tensor k =
        c.addArg("k", cls, {B, Hkv, Lk, D}, dynamicDims(rng, 4, dynamic),
                 rng.values(B * Hkv * Lk * D, -1.5, 1.5), &operandTypes[1]);
    Tensor v = c.addArg("v", valueElem, {B, Hkv, Lk, Dv}, vDynamic,
                        rng.values(B * Hkv * Lk * Dv, -1, 1), &operandTypes[2]);
    std::string operands = "%q, %k, %v";

    Tensor bias, mask;
    if (rng.chance(0.3)) {
      const int64_t bb = rng.chance(0.5) ? 1 : B;
      const int64_t bh = rng.chance(0.5) ? 1 : Hq;
      std::vector<double> values = rng.values(bb * bh * Lq * Lk, -2, 2);
      if (rng.chance(0.35)) // drop some keys through the bias
        for (double &value : values)
          if (rng.chance(0.2))
            value = -kInf;
      std::string type;
      bias = c.addArg("bias", classOrF32(rng, cls, 0.5), {bb, bh, Lq, Lk},
                      dynamicDims(rng, 4, dynamic), values, &type);
      operandTypes.push_back(type);
      operands += " bias(%bias)";
      options.bias = &bias;
    }
    if (rng.chance(0.3)) {
      const int64_t bq = rng.intIn(1, Lq + 3), bk = rng.intIn(1, Lk + 3);
      const int64_t mb = rng.chance(0.5) ? 1 : B;
      const int64_t mh = rng.chance(0.5) ? 1 : Hq;
      const int64_t rows = (Lq + bq - 1) / bq, cols = (Lk + bk - 1) / bk;
      const Elem maskElem = rng.chance(0.5) ? Elem::I1 : Elem::I8;
      std::vector<double> values(static_cast<size_t>(mb * mh * rows * cols));
      for (double &value : values)
        value = rng.chance(0.3)
                    ? 0.0
                    : (maskElem == Elem::I1 ? 1.0
                                            : static_cast<double>(rng.pick<int>(
                                                  {1, -1, 2, 127, -128})));
      std::string type;
      mask = c.addArg("mask", maskElem, {mb, mh, rows, cols},
                      dynamicDims(rng, 4, dynamic), values, &type);
      operandTypes.push_back(type);
      operands += " block_mask(%mask)";
      options.blockMask = &mask;
      options.blockQ = bq;
      options.blockK = bk;
      attrs.push_back("block_sizes = array<i64: " + std::to_string(bq) + ", " +
                      std::to_string(bk) + ">");
      c.tag(std::string("block_mask ") + mlirName(maskElem));
      if (Lq % bq != 0 || Lk % bk != 0)
        c.tag("partial mask blocks");
      if ((mb == 1 && B > 1) || (mh == 1 && Hq > 1))
        c.tag("block_mask broadcast");
    }
    const bool withLse = rng.chance(0.4);

    c.tag("Hq/Hkv=" + std::to_string(Hq / Hkv));
    c.tag("B=" + std::to_string(B));
    if (Lq == 1)
      c.tag("Lq=1");
    if (Lk == 1)
      c.tag("Lk=1");
    if (Lq != Lk)
      c.tag("Lq!=Lk");
    if (D == 1 || Dv == 1)
      c.tag("D or Dv=1");
    if (D != Dv)
      c.tag("D!=Dv");
    if (options.causal)
      c.tag("causal");
    auto windowTag = [&](const char *name, int64_t w) {
      c.tag(std::string(name) + (w == 0                  ? "=0"
                                 : w >= std::max(Lq, Lk) ? ">=L"
                                                         : "<L"));
    };
    if (options.windowLeft)
      windowTag("window_left", *options.windowLeft);
    if (options.windowRight)
      windowTag("window_right", *options.windowRight);
    if (options.sinkTokens)
      c.tag("sink_tokens");
    if (options.scale)
      c.tag("scale");
    else if (qDynamic[3])
      c.tag("scale from dynamic D");
    if (options.bias) {
      if (bias.shape[0] == B && bias.shape[1] == Hq)
        c.tag("bias full");
      if (bias.shape[0] == 1 && B > 1)
        c.tag("bias batch broadcast");
      if (bias.shape[1] == 1 && Hq > 1)
        c.tag("bias head broadcast");
      for (double value : bias.data)
        if (value == -kInf) {
          c.tag("bias -inf");
          break;
        }
    }
    if (withLse)
      c.tag("lse");
    if (dynamic)
      c.tag("dynamic dims");
    if (valueElem != cls)
      c.tag("value type != query type");

    // Result dims follow the operands they come from: q's B, Hq, Lq and v's Dv.
    std::vector<std::string> resultTypes = {tensorType(
        {B, Hq, Lq, Dv}, {qDynamic[0], qDynamic[1], qDynamic[2], vDynamic[3]},
        outElem)};
    std::vector<std::string> resultNames = {"o"};
    if (withLse) {
      resultTypes.push_back(tensorType(
          {B, Hq, Lq}, {qDynamic[0], qDynamic[1], qDynamic[2]}, Elem::F32));
      resultNames.push_back("lse");
    }
    c.finish(Case::join(resultNames, "%") + " = mix.attention " + operands +
                 attrDict(attrs) + " : " +
                 functionalType(operandTypes, resultTypes),
             resultNames, resultTypes);

    Tensor lse;
    Tensor expected = ref::attention(q, k, v, options, &lse);
    for (double value : lse.data)
      if (value == -kInf) {
        c.tag("rows with no allowed key");
        break;
      }
    const std::string key = typeKey(cls, outElem);
    return [&runner, expected, lse, withLse, key, cls,
            outElem](const std::vector<npy::Array> &results) {
      if (results.size() != (withLse ? 2u : 1u)) {
        runner.fail("wrong number of results");
        return;
      }
      runner.expectClose("output", key, toleranceFor(outElem), results[0],
                         expected);
      if (withLse)
        runner.expectClose("lse", std::string("lse (") + mlirName(cls) + " in)",
                           kTolF32, results[1], lse);
    };
  });
}

//===----------------------------------------------------------------------===//
// mix.linear_attention
//===----------------------------------------------------------------------===//

TEST(DecomposeProperty, LinearAttention) {
  PropertyRunner runner("linear_attention", 2000);
  runner.run([&](Rng &rng, Case &c) -> PropertyRunner::Check {
    const int64_t B = rng.intIn(1, 2), H = rng.intIn(1, 3);
    const int64_t L = length(rng, 40);
    const int64_t Dk = rng.intIn(1, 16), Dv = rng.intIn(1, 16);
    const Elem cls = floatClass(rng);
    const Elem outElem = classOrF32(rng, cls, 0.15);
    const bool dynamic = rng.chance(0.3);

    ref::LinearAttentionOptions options;
    std::vector<std::string> attrs;
    const int map = static_cast<int>(rng.intIn(0, 2));
    options.featureMap = map == 0   ? ref::FeatureMap::Identity
                         : map == 1 ? ref::FeatureMap::EluPlusOne
                                    : ref::FeatureMap::Relu;
    // identity is the default: written out or left implicit.
    if (map != 0 || rng.chance(0.5))
      attrs.push_back("feature_map = " +
                      enumAttr("feature_map", map == 0   ? "identity"
                                              : map == 1 ? "elu_plus_one"
                                                         : "relu"));
    options.causal = rng.chance(0.5);
    if (options.causal)
      attrs.push_back("causal");
    // normalize only with elu_plus_one, whose features are > 0, so that the
    // denominator is a sum of positive terms and never near 0.
    options.normalize =
        options.featureMap == ref::FeatureMap::EluPlusOne && rng.chance(0.6);
    if (options.normalize)
      attrs.push_back("normalize");

    std::vector<std::string> operandTypes(3);
    const std::vector<bool> qDynamic = dynamicDims(rng, 4, dynamic);
    const std::vector<bool> vDynamic = dynamicDims(rng, 4, dynamic);
    Tensor q = c.addArg("q", cls, {B, H, L, Dk}, qDynamic,
                        rng.values(B * H * L * Dk, -1, 1), &operandTypes[0]);
    Tensor k = c.addArg("k", cls, {B, H, L, Dk}, dynamicDims(rng, 4, dynamic),
                        rng.values(B * H * L * Dk, -1, 1), &operandTypes[1]);
    Tensor v =
        c.addArg("v", classOrF32(rng, cls, 0.15), {B, H, L, Dv}, vDynamic,
                 rng.values(B * H * L * Dv, -1, 1), &operandTypes[2]);
    std::string operands = "%q, %k, %v";
    Tensor decay;
    const double r = rng.uniform(0, 1);
    if (r < 0.3 || (r < 0.6 && options.causal)) {
      // Per head [H], or per token [B, H, L] (causal only); gamma in (0.5, 1).
      std::vector<int64_t> shape =
          r < 0.3 ? std::vector<int64_t>{H} : std::vector<int64_t>{B, H, L};
      int64_t count = 1;
      for (int64_t d : shape)
        count *= d;
      std::string type;
      decay = c.addArg("g", classOrF32(rng, cls, 0.5), shape,
                       dynamicDims(rng, shape.size(), dynamic),
                       rng.values(count, 0.5, 1.0), &type);
      operandTypes.push_back(type);
      operands += " decay(%g)";
      options.decay = &decay;
    }

    c.tag(map == 0 ? "identity" : map == 1 ? "elu_plus_one" : "relu");
    c.tag(options.causal ? "causal" : "non-causal");
    if (options.normalize)
      c.tag("normalize");
    c.tag(!options.decay               ? "no decay"
          : options.decay->rank() == 1 ? "decay [H]"
                                       : "decay [B,H,L]");
    if (L == 1)
      c.tag("L=1");
    if (dynamic)
      c.tag("dynamic dims");
    if (outElem != cls)
      c.tag("result type != input type");

    std::vector<std::string> resultTypes = {tensorType(
        {B, H, L, Dv}, {qDynamic[0], qDynamic[1], qDynamic[2], vDynamic[3]},
        outElem)};
    c.finish("%o = mix.linear_attention " + operands + attrDict(attrs) + " : " +
                 functionalType(operandTypes, resultTypes),
             {"o"}, resultTypes);

    Tensor expected = ref::linearAttention(q, k, v, options);
    const std::string key = typeKey(cls, outElem);
    return runner.expectOneResultClose("output", key, toleranceFor(outElem),
                                       expected);
  });
}

//===----------------------------------------------------------------------===//
// mix.selective_scan
//===----------------------------------------------------------------------===//

TEST(DecomposeProperty, SelectiveScan) {
  PropertyRunner runner("selective_scan", 3000);
  runner.run([&](Rng &rng, Case &c) -> PropertyRunner::Check {
    const int64_t Bn = rng.intIn(1, 2), D = rng.intIn(1, 8);
    const int64_t G = rng.chance(0.4) ? 1 : rng.divisorOf(D);
    const int64_t N = rng.intIn(1, 8), L = length(rng, 40);
    const Elem cls = floatClass(rng); // x and therefore y
    const bool dynamic = rng.chance(0.3);

    ref::SelectiveScanOptions options;
    std::vector<std::string> attrs;
    const int direction = static_cast<int>(rng.intIn(0, 2));
    options.direction = direction == 0   ? ref::Direction::Forward
                        : direction == 1 ? ref::Direction::Reverse
                                         : ref::Direction::Bidirectional;
    if (direction != 0 || rng.chance(0.5))
      attrs.push_back("direction = " +
                      enumAttr("direction", direction == 0 ? "forward"
                                            : direction == 1
                                                ? "reverse"
                                                : "bidirectional"));
    options.deltaSoftplus = rng.chance(0.5);
    if (options.deltaSoftplus)
      attrs.push_back("delta_softplus");

    // Stability: A < 0 and dt > 0 (directly, or softplus of small values) so
    // that every exp(dt * A) is in (0, 1).
    std::vector<std::string> operandTypes(5);
    const std::vector<bool> xDynamic = dynamicDims(rng, 3, dynamic);
    Tensor x = c.addArg("x", cls, {Bn, D, L}, xDynamic,
                        rng.values(Bn * D * L, -1, 1), &operandTypes[0]);
    Tensor delta = c.addArg(
        "delta", classOrF32(rng, cls), {Bn, D, L}, dynamicDims(rng, 3, dynamic),
        options.deltaSoftplus ? rng.values(Bn * D * L, -1.5, 0.5)
                              : rng.values(Bn * D * L, 0.01, 0.5),
        &operandTypes[1]);
    std::vector<double> aValues = rng.values(D * N, 0.1, 1.0);
    for (double &a : aValues)
      a = -a;
    Tensor A =
        c.addArg("A", classOrF32(rng, cls, 0.5), {D, N},
                 dynamicDims(rng, 2, dynamic), aValues, &operandTypes[2]);
    Tensor Bm = c.addArg("B", classOrF32(rng, cls), {Bn, G, N, L},
                         dynamicDims(rng, 4, dynamic),
                         rng.values(Bn * G * N * L, -1, 1), &operandTypes[3]);
    Tensor Cm = c.addArg("C", classOrF32(rng, cls), {Bn, G, N, L},
                         dynamicDims(rng, 4, dynamic),
                         rng.values(Bn * G * N * L, -1, 1), &operandTypes[4]);
    std::string operands = "%x, %delta, %A, %B, %C";
    Tensor skip, gate, bias;
    std::string type;
    if (rng.chance(0.5)) {
      skip =
          c.addArg("D", classOrF32(rng, cls, 0.5), {D},
                   dynamicDims(rng, 1, dynamic), rng.values(D, -1, 1), &type);
      operandTypes.push_back(type);
      operands += " skip(%D)";
      options.D = &skip;
    }
    if (rng.chance(0.5)) {
      gate = c.addArg("z", classOrF32(rng, cls), {Bn, D, L},
                      dynamicDims(rng, 3, dynamic),
                      rng.values(Bn * D * L, -2, 2), &type);
      operandTypes.push_back(type);
      operands += " gate(%z)";
      options.z = &gate;
    }
    if (rng.chance(0.5)) {
      bias = c.addArg("bias", classOrF32(rng, cls, 0.5), {D},
                      dynamicDims(rng, 1, dynamic),
                      options.deltaSoftplus ? rng.values(D, -0.5, 0.5)
                                            : rng.values(D, 0.0, 0.2),
                      &type);
      operandTypes.push_back(type);
      operands += " delta_bias(%bias)";
      options.deltaBias = &bias;
    }

    c.tag(direction == 0   ? "forward"
          : direction == 1 ? "reverse"
                           : "bidirectional");
    c.tag(G == 1 ? "G=1" : "G>1");
    if (G == D && D > 1)
      c.tag("G=D");
    if (options.D)
      c.tag("D skip");
    if (options.z)
      c.tag("z gate");
    if (options.deltaBias)
      c.tag("delta_bias");
    if (options.deltaSoftplus)
      c.tag("delta_softplus");
    if (L == 1)
      c.tag("L=1");
    if (dynamic)
      c.tag("dynamic dims");

    std::vector<std::string> resultTypes = {
        tensorType({Bn, D, L}, xDynamic, cls)};
    c.finish("%y = mix.selective_scan " + operands + attrDict(attrs) + " : " +
                 functionalType(operandTypes, resultTypes),
             {"y"}, resultTypes);

    Tensor expected = ref::selectiveScan(x, delta, A, Bm, Cm, options);
    const std::string key = mlirName(cls);
    return runner.expectOneResultClose("y", key, toleranceFor(cls), expected);
  });
}

//===----------------------------------------------------------------------===//
// mix.ssd
//===----------------------------------------------------------------------===//

TEST(DecomposeProperty, SSD) {
  PropertyRunner runner("ssd", 4000);
  runner.run([&](Rng &rng, Case &c) -> PropertyRunner::Check {
    const int64_t Bn = rng.intIn(1, 2), L = length(rng, 40);
    const int64_t H = rng.intIn(1, 6), P = rng.intIn(1, 8);
    const int64_t G = rng.chance(0.4) ? 1 : rng.divisorOf(H);
    const int64_t N = rng.intIn(1, 8);
    const Elem cls = floatClass(rng);
    const bool dynamic = rng.chance(0.3);

    ref::SSDOptions options;
    std::vector<std::string> attrs;
    options.bidirectional = rng.chance(0.5);
    if (options.bidirectional)
      attrs.push_back("direction = " + enumAttr("direction", "bidirectional"));
    else if (rng.chance(0.3))
      attrs.push_back("direction = " + enumAttr("direction", "forward"));
    options.dtSoftplus = rng.chance(0.5);
    if (options.dtSoftplus)
      attrs.push_back("dt_softplus");

    std::vector<std::string> operandTypes(5);
    const std::vector<bool> xDynamic = dynamicDims(rng, 4, dynamic);
    Tensor x = c.addArg("x", cls, {Bn, L, H, P}, xDynamic,
                        rng.values(Bn * L * H * P, -1, 1), &operandTypes[0]);
    // A < 0, dt > 0 (directly or through softplus): decays in (0, 1).
    Tensor dt = c.addArg("dt", classOrF32(rng, cls, 0.5), {Bn, L, H},
                         dynamicDims(rng, 3, dynamic),
                         options.dtSoftplus ? rng.values(Bn * L * H, -2, 1)
                                            : rng.values(Bn * L * H, 0.01, 0.5),
                         &operandTypes[1]);
    std::vector<double> aValues = rng.values(H, 0.1, 1.0);
    for (double &a : aValues)
      a = -a;
    Tensor A =
        c.addArg("A", classOrF32(rng, cls, 0.5), {H},
                 dynamicDims(rng, 1, dynamic), aValues, &operandTypes[2]);
    Tensor Bm = c.addArg("B", classOrF32(rng, cls), {Bn, L, G, N},
                         dynamicDims(rng, 4, dynamic),
                         rng.values(Bn * L * G * N, -1, 1), &operandTypes[3]);
    Tensor Cm = c.addArg("C", classOrF32(rng, cls), {Bn, L, G, N},
                         dynamicDims(rng, 4, dynamic),
                         rng.values(Bn * L * G * N, -1, 1), &operandTypes[4]);
    std::string operands = "%x, %dt, %A, %B, %C";
    Tensor skip, bias;
    std::string type;
    if (rng.chance(0.5)) {
      skip =
          c.addArg("D", classOrF32(rng, cls, 0.5), {H},
                   dynamicDims(rng, 1, dynamic), rng.values(H, -1, 1), &type);
      operandTypes.push_back(type);
      operands += " skip(%D)";
      options.D = &skip;
    }
    if (rng.chance(0.5)) {
      bias = c.addArg("bias", classOrF32(rng, cls, 0.5), {H},
                      dynamicDims(rng, 1, dynamic),
                      options.dtSoftplus ? rng.values(H, -0.5, 0.5)
                                         : rng.values(H, 0.0, 0.2),
                      &type);
      operandTypes.push_back(type);
      operands += " dt_bias(%bias)";
      options.dtBias = &bias;
    }

    c.tag(options.bidirectional ? "bidirectional" : "forward");
    c.tag(G == 1 ? "G=1" : "G>1");
    if (G == H && H > 1)
      c.tag("G=H");
    if (options.D)
      c.tag("D skip");
    if (options.dtBias)
      c.tag("dt_bias");
    if (options.dtSoftplus)
      c.tag("dt_softplus");
    if (L == 1)
      c.tag("L=1");
    if (dynamic)
      c.tag("dynamic dims");

    std::vector<std::string> resultTypes = {
        tensorType({Bn, L, H, P}, xDynamic, cls)};
    c.finish("%y = mix.ssd " + operands + attrDict(attrs) + " : " +
                 functionalType(operandTypes, resultTypes),
             {"y"}, resultTypes);

    Tensor expected = ref::ssd(x, dt, A, Bm, Cm, options);
    const std::string key = mlirName(cls);
    return runner.expectOneResultClose("y", key, toleranceFor(cls), expected);
  });
}

//===----------------------------------------------------------------------===//
// mix.monarch
//===----------------------------------------------------------------------===//

TEST(DecomposeProperty, Monarch) {
  PropertyRunner runner("monarch", 5000);
  runner.run([&](Rng &rng, Case &c) -> PropertyRunner::Check {
    int64_t k, q, p, l, s, r;
    const double kind = rng.uniform(0, 1);
    if (kind < 0.3) { // square: k = q = p = l = s = r
      k = q = p = l = s = r = rng.intIn(1, 6);
    } else if (kind < 0.8) { // rectangular blocks, l * r = k * q
      k = rng.intIn(1, 4), q = rng.intIn(1, 6), p = rng.intIn(1, 6);
      l = rng.divisorOf(k * q), r = k * q / l, s = rng.intIn(1, 6);
    } else { // one block: a dense p -> q matrix, then the second factor
      k = 1, q = rng.intIn(1, 8), p = rng.intIn(1, 8);
      l = rng.divisorOf(q), r = q / l, s = rng.intIn(1, 6);
    }
    const int64_t rank = rng.intIn(1, 3);
    std::vector<int64_t> xShape;
    for (int64_t d = 0; d + 1 < rank; ++d)
      xShape.push_back(rng.intIn(1, 5));
    xShape.push_back(k * p);
    int64_t rows = 1;
    for (int64_t d = 0; d + 1 < rank; ++d)
      rows *= xShape[d];
    const Elem cls = floatClass(rng);
    const Elem outElem = classOrF32(rng, cls, 0.15);
    const bool dynamic = rng.chance(0.35);

    std::vector<std::string> operandTypes(3);
    Tensor x = c.addArg("x", cls, xShape, dynamicDims(rng, rank, dynamic),
                        rng.values(rows * k * p, -1, 1), &operandTypes[0]);
    Tensor first = c.addArg("f1", classOrF32(rng, cls), {k, q, p},
                            dynamicDims(rng, 3, dynamic),
                            rng.values(k * q * p, -1, 1), &operandTypes[1]);
    Tensor second = c.addArg("f2", classOrF32(rng, cls), {l, s, r},
                             dynamicDims(rng, 3, dynamic),
                             rng.values(l * s * r, -1, 1), &operandTypes[2]);
    c.tag(kind < 0.3   ? "square"
          : kind < 0.8 ? "rectangular"
                       : "one block (k=1)");
    c.tag("x rank " + std::to_string(rank));
    if (dynamic)
      c.tag("dynamic dims");
    if (outElem != cls)
      c.tag("result type != input type");
    std::vector<int64_t> yShape = xShape;
    yShape.back() = l * s;
    // Result dims are static or dynamic independently of the operands (the
    // decomposition casts to the op's type).
    std::vector<std::string> resultTypes = {
        tensorType(yShape, dynamicDims(rng, rank, dynamic), outElem)};
    c.finish("%y = mix.monarch %x, %f1, %f2 : " +
                 functionalType(operandTypes, resultTypes),
             {"y"}, resultTypes);

    Tensor expected = ref::monarch(x, first, second);
    const std::string key = typeKey(cls, outElem);
    return runner.expectOneResultClose("y", key, toleranceFor(outElem),
                                       expected);
  });
}

//===----------------------------------------------------------------------===//
// mix.permute
//===----------------------------------------------------------------------===//

/// `values` (row-major, `shape`) as a nested dense literal: [[0, 1], [1, 0]].
std::string denseLiteral(const std::vector<int64_t> &values,
                         const std::vector<int64_t> &shape, size_t dim = 0,
                         size_t offset = 0) {
  int64_t stride = 1;
  for (size_t d = dim + 1; d < shape.size(); ++d)
    stride *= shape[d];
  std::string text = "[";
  for (int64_t i = 0; i < shape[dim]; ++i) {
    text += i ? ", " : "";
    if (dim + 1 == shape.size())
      text += std::to_string(values[offset + i]);
    else
      text += denseLiteral(values, shape, dim + 1, offset + i * stride);
  }
  return text + "]";
}

TEST(DecomposeProperty, Permute) {
  PropertyRunner runner("permute", 6000);
  runner.run([&](Rng &rng, Case &c) -> PropertyRunner::Check {
    // indices [L], [H, L] or [B, H, L] (rank 1..3), the axis at or after
    // the last index dim, the input rank at or after the axis.
    const int64_t indexRank = rng.intIn(1, 3);
    const int64_t axis = rng.intIn(indexRank - 1, 3);
    const int64_t rank = rng.intIn(axis + 1, 4);
    std::vector<int64_t> shape;
    for (int64_t d = 0; d < rank; ++d)
      shape.push_back(d == axis ? length(rng, 9) : rng.intIn(1, 4));
    std::vector<int64_t> indexShape(shape.begin() + (axis + 1 - indexRank),
                                    shape.begin() + axis + 1);
    int64_t indexRows = 1;
    for (size_t d = 0; d + 1 < indexShape.size(); ++d)
      indexRows *= indexShape[d];
    const int64_t L = shape[axis];
    std::vector<int64_t> indices = rng.permutations(indexRows, L);
    const bool inverse = rng.chance(0.5);
    const Elem indexElem = rng.chance(0.5) ? Elem::I32 : Elem::I64;
    const double e = rng.uniform(0, 1);
    const Elem elem = e < 0.4    ? Elem::F32
                      : e < 0.65 ? Elem::F16
                      : e < 0.8  ? Elem::BF16
                                 : Elem::I8;
    const bool dynamic = rng.chance(0.35);
    const bool constantIndices = rng.chance(0.2);

    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    std::vector<double> values = elem == Elem::I8 ? rng.values(count, -100, 100)
                                                  : rng.values(count, -4, 4);
    if (elem == Elem::I8)
      for (double &v : values)
        v = std::trunc(v);
    std::vector<std::string> operandTypes(2);
    const std::vector<bool> inDynamic = dynamicDims(rng, rank, dynamic);
    Tensor input =
        c.addArg("x", elem, shape, inDynamic, values, &operandTypes[0]);
    if (constantIndices) {
      operandTypes[1] = tensorType(indexShape, {}, indexElem);
      c.bodyLines.push_back("%idx = arith.constant dense<" +
                            denseLiteral(indices, indexShape) +
                            "> : " + operandTypes[1]);
    } else {
      std::vector<double> asDoubles(indices.begin(), indices.end());
      c.addArg("idx", indexElem, indexShape,
               dynamicDims(rng, indexShape.size(), dynamic), asDoubles,
               &operandTypes[1]);
    }
    c.tag("indices rank " + std::to_string(indexRank));
    c.tag(axis == rank - 1 ? "axis last" : "axis not last");
    c.tag(inverse ? "inverse" : "gather");
    if (constantIndices)
      c.tag("constant indices");
    if (dynamic)
      c.tag("dynamic dims");
    if (L == 1)
      c.tag("L=1");
    std::vector<std::string> attrs = {"axis = " + std::to_string(axis) +
                                      " : i64"};
    if (inverse)
      attrs.push_back("inverse");
    std::vector<std::string> resultTypes = {tensorType(shape, inDynamic, elem)};
    c.finish("%y = mix.permute %x, %idx" + attrDict(attrs) + " : " +
                 functionalType(operandTypes, resultTypes),
             {"y"}, resultTypes);

    Tensor expected = ref::permute(input, indexShape, indices, axis, inverse);
    const std::string key =
        std::string(mlirName(elem)) + ", " + mlirName(indexElem) + " indices";
    return [&runner, expected, key](const std::vector<npy::Array> &results) {
      if (results.size() != 1u)
        return runner.fail("wrong number of results");
      runner.expectEqual("output", key, results[0], expected);
    };
  });
}

} // namespace

//===----------------------------------------------------------------------===//
// main: prints the summary of every op that ran at the end
//===----------------------------------------------------------------------===//

namespace {
class SummaryEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    // Decide the enum spelling once (see gDocumentedEnumSyntax).
    DialectRegistry registry;
    mixc::registerMixcDialects(registry);
    MLIRContext context(registry, MLIRContext::Threading::DISABLED);
    ScopedDiagnosticHandler silence(&context,
                                    [](Diagnostic &) { return success(); });
    const char *probe =
        "func.func @f(%q: tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32> {\n"
        "  %o = mix.linear_attention %q, %q, %q {feature_map = "
        "#mix.feature_map<relu>} : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, "
        "tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>\n"
        "  return %o : tensor<1x1x1x1xf32>\n}\n";
    gDocumentedEnumSyntax =
        static_cast<bool>(parseSourceString<ModuleOp>(probe, &context));
  }
  void TearDown() override {
    // One op alone (as ctest runs them) has printed its table already.
    if (stats().size() > 1)
      printSummary(std::cout);
  }
};
} // namespace

int main(int argc, char **argv) {
  // A worker that crashed closes its pipe; writing to it must fail, not kill.
  std::signal(SIGPIPE, SIG_IGN);
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new SummaryEnvironment);
  return RUN_ALL_TESTS();
}
