//===- mixc-run.cpp - Run a function of an MLIR file on the CPU -----------===//
//
// The CPU reference path from the command line: parses an MLIR file (mix ops
// and upstream ops on tensors), lowers it with --mix-cpu-pipeline, JIT-runs
// one function on .npy inputs (or seeded random ones), writes the results as
// .npy and optionally compares them with expected arrays.
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/Execution/CpuRunner.h"
#include "mixc/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

using namespace mlir;
using namespace mixc;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("mixc-run options");

static cl::opt<std::string> inputFilename(cl::Positional, cl::Required,
                                          cl::desc("<input.mlir>"),
                                          cl::cat(runCategory));
static cl::opt<std::string>
    entryName("entry",
              cl::desc("Function to run (default: the only public function)"),
              cl::value_desc("name"), cl::cat(runCategory));
static cl::list<std::string>
    inputArrays("input",
                cl::desc("An argument as a .npy file, in argument order (f32, "
                         "f64, f16, bf16 stored as uint16, i1/bool, i8, i32, "
                         "i64)"),
                cl::value_desc("file.npy"), cl::cat(runCategory));
static cl::opt<uint64_t> randomSeed(
    "random-inputs",
    cl::desc("Generate every argument from this seed instead of --input: "
             "floats uniform in [-1, 1), integers as permutations of "
             "0..n-1 along the last dimension, i1 as 0/1. Needs static "
             "shapes"),
    cl::value_desc("seed"), cl::cat(runCategory));
static cl::opt<std::string>
    outputDir("output-dir", cl::desc("Write result <i> to DIR/result<i>.npy"),
              cl::value_desc("dir"), cl::cat(runCategory));
static cl::list<std::string> expectedArrays(
    "expect",
    cl::desc("Expected value of a result, in result order; prints the errors "
             "and exits 1 when one is over tolerance"),
    cl::value_desc("file.npy"), cl::cat(runCategory));
static cl::opt<double> relativeTolerance(
    "rtol", cl::init(1e-5),
    cl::desc("Relative tolerance: |actual - expected| <= atol + rtol * "
             "|expected| (default 1e-5)"),
    cl::cat(runCategory));
static cl::opt<double>
    absoluteTolerance("atol", cl::init(1e-6),
                      cl::desc("Absolute tolerance (default 1e-6)"),
                      cl::cat(runCategory));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "mixc-run: error: " << message << "\n";
  return 1;
}

/// Seeded random arguments (see --random-inputs).
static bool randomInputs(ArrayRef<RankedTensorType> types, uint64_t seed,
                         std::vector<npy::Array> &arrays, std::string &error) {
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (auto [i, type] : llvm::enumerate(types)) {
    if (!type.hasStaticShape()) {
      error = "--random-inputs needs static shapes, but argument #" +
              std::to_string(i) + " has dynamic dimensions; give --input";
      return false;
    }
    npy::DType dtype = *dtypeForElementType(type.getElementType());
    std::vector<int64_t> shape(type.getShape());
    int64_t count = type.getNumElements();
    std::vector<double> values(count);
    if (dtype == npy::DType::Bool) {
      for (double &value : values)
        value = generator() & 1;
    } else if (type.getElementType().isInteger()) {
      int64_t row = shape.empty() ? 1 : shape.back();
      for (int64_t start = 0; row > 0 && start < count; start += row) {
        std::iota(values.begin() + start, values.begin() + start + row, 0.0);
        std::shuffle(values.begin() + start, values.begin() + start + row,
                     generator);
      }
    } else {
      for (double &value : values)
        value = uniform(generator);
    }
    arrays.push_back(npy::fromDoubles(dtype, shape, values));
  }
  return true;
}

static std::string shapeText(const npy::Array &array) {
  std::string text;
  for (int64_t dim : array.shape)
    text += std::to_string(dim) + "x";
  return text + npy::dtypeName(array.dtype);
}

/// Compares like numpy.allclose; prints the errors. Returns true when within
/// tolerance.
static bool compare(unsigned index, const npy::Array &actual,
                    const npy::Array &expected) {
  llvm::outs() << "result" << index << ": ";
  if (actual.shape != expected.shape) {
    llvm::outs() << "shape " << shapeText(actual) << " does not match expected "
                 << shapeText(expected) << "\n";
    return false;
  }
  double maxAbs = 0, maxRel = 0;
  int64_t violations = 0;
  for (int64_t i = 0, e = actual.numElements(); i < e; ++i) {
    double a = npy::elementAsDouble(actual, i);
    double x = npy::elementAsDouble(expected, i);
    if (a == x || (std::isnan(a) && std::isnan(x)))
      continue;
    double diff = std::fabs(a - x);
    if (std::isnan(diff))
      diff = INFINITY;
    maxAbs = std::max(maxAbs, diff);
    if (x != 0)
      maxRel = std::max(maxRel, diff / std::fabs(x));
    if (!(diff <= absoluteTolerance + relativeTolerance * std::fabs(x)))
      ++violations;
  }
  llvm::outs() << llvm::format("max abs error %.3g, max rel error %.3g", maxAbs,
                               maxRel)
               << llvm::format(
                      " (atol %g, rtol %g): ", absoluteTolerance.getValue(),
                      relativeTolerance.getValue());
  if (violations)
    llvm::outs() << violations << " of " << actual.numElements()
                 << " elements over tolerance\n";
  else
    llvm::outs() << "ok\n";
  return violations == 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "mixc-run: run a function of an MLIR file on the CPU (the mixc "
      "reference path)\n\n"
      "  mixc-run model.mlir --input q.npy --input k.npy --input v.npy "
      "--output-dir out\n"
      "  mixc-run model.mlir --random-inputs 7 --expect want.npy --rtol "
      "1e-4\n");

  DialectRegistry registry;
  registerMixcDialects(registry);
  MLIRContext context(registry);

  OwningOpRef<ModuleOp> module =
      parseMixcFile(inputFilename, context, "mixc-run");
  if (!module)
    return 1; // parseMixcFile printed why

  std::string error;
  std::unique_ptr<CpuRunner> runner =
      CpuRunner::compile(*module, entryName, error);
  if (!runner)
    return fail(error);

  std::vector<npy::Array> inputs;
  if (randomSeed.getNumOccurrences()) {
    if (!inputArrays.empty())
      return fail("give either --input files or --random-inputs, not both");
    if (!randomInputs(runner->getInputTypes(), randomSeed, inputs, error))
      return fail(error);
  } else {
    if (inputArrays.size() != runner->getInputTypes().size())
      return fail("@" + runner->getEntryName() + " takes " +
                  llvm::Twine(runner->getInputTypes().size()) +
                  " inputs, got " + llvm::Twine(inputArrays.size()) +
                  " --input files");
    for (const std::string &path : inputArrays) {
      npy::Array array;
      if (!npy::readNpy(path, array, error))
        return fail(error);
      inputs.push_back(std::move(array));
    }
  }

  std::vector<npy::Array> results;
  auto start = std::chrono::steady_clock::now();
  if (!runner->run(inputs, results, error))
    return fail(error);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  llvm::outs() << "@" << runner->getEntryName() << " ran on the CPU in "
               << llvm::format("%.3f", seconds * 1e3) << " ms\n";

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create " + outputDir + ": " + ec.message());
  }
  for (auto [i, result] : llvm::enumerate(results)) {
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    for (int64_t k = 0, e = result.numElements(); k < e; ++k) {
      double value = npy::elementAsDouble(result, k);
      sum += value;
      lo = std::min(lo, value);
      hi = std::max(hi, value);
    }
    llvm::outs() << "result" << i << ": " << shapeText(result)
                 << llvm::format(" min %.4g max %.4g mean %.4g", lo, hi,
                                 result.numElements()
                                     ? sum / result.numElements()
                                     : 0.0);
    if (!outputDir.empty()) {
      llvm::SmallString<128> path(outputDir);
      llvm::sys::path::append(path, "result" + std::to_string(i) + ".npy");
      if (!npy::writeNpy(std::string(path), result, error))
        return fail(error);
      llvm::outs() << " -> " << path;
    }
    llvm::outs() << "\n";
  }

  if (expectedArrays.empty())
    return 0;
  if (expectedArrays.size() != results.size())
    return fail("@" + runner->getEntryName() + " has " +
                llvm::Twine(results.size()) + " results, got " +
                llvm::Twine(expectedArrays.size()) + " --expect files");
  bool allClose = true;
  for (auto [i, path] : llvm::enumerate(expectedArrays)) {
    npy::Array expected;
    if (!npy::readNpy(path, expected, error))
      return fail(error);
    // bf16 has no NumPy dtype: a bf16 result's expectation may come as the
    // raw 16-bit words, which mean bf16 here.
    if (results[i].dtype == npy::DType::BF16 &&
        expected.dtype == npy::DType::U16)
      expected.dtype = npy::DType::BF16;
    allClose &= compare(i, results[i], expected);
  }
  return allClose ? 0 : 1;
}
