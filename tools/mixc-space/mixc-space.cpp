//===- mixc-space.cpp - Schedule spaces and features from the command line ===//
//
// Prints, as JSON lines, the schedule space of every mix op of an MLIR file
// (its own template, or the op's default, or --template): the number of
// legal schedules, every one of them, a seeded uniform sample, and the cost
// model's features of each. The tuner (mixc-tune) draws from the same
// spaces; this tool shows what it would see.
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/CostModel/Features.h"
#include "mixc/CostModel/ScheduleSpace.h"
#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mixc;
using namespace mixc::costmodel;
namespace cl = llvm::cl;

static cl::OptionCategory spaceCategory("mixc-space options");

static cl::opt<std::string> inputFilename(cl::Positional, cl::Required,
                                          cl::desc("<input.mlir>"),
                                          cl::cat(spaceCategory));
static cl::opt<std::string> templateName(
    "template",
    cl::desc("Kernel template (default: the op's schedule's, else the op's "
             "default template)"),
    cl::value_desc("name"), cl::cat(spaceCategory));
static cl::opt<bool> printCount(
    "count",
    cl::desc("One line per op: the number of legal schedules (the default "
             "when nothing else is asked)"),
    cl::cat(spaceCategory));
static cl::opt<bool> enumerate("enumerate",
                               cl::desc("One line per legal schedule"),
                               cl::cat(spaceCategory));
static cl::opt<unsigned>
    sampleCount("sample",
                cl::desc("One line for each of N schedules drawn uniformly"),
                cl::value_desc("N"), cl::cat(spaceCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of --sample"), cl::init(0),
                              cl::cat(spaceCategory));
static cl::opt<bool> features(
    "features",
    cl::desc("Add the cost model's features to each schedule line (alone: "
             "for the op's own schedule, defaults filled in)"),
    cl::cat(spaceCategory));
static cl::opt<std::string> manifests(
    "manifests",
    cl::desc("With --features alone: add ptxas's numbers from the launch "
             "manifests that `mixc IN.mlir -o DIR` wrote for these ops "
             "(DIR/<family>_<k>.json, k counting the ops of a family in "
             "order, as --convert-mix-to-gpu names the kernels)"),
    cl::value_desc("DIR"), cl::cat(spaceCategory));

namespace {

/// Prints one JSON line: the op's index and location, then `fields`.
void printLine(size_t index, llvm::StringRef location,
               llvm::function_ref<void(llvm::json::OStream &)> fields) {
  llvm::json::OStream json(llvm::outs());
  json.object([&] {
    json.attribute("op_index", int64_t(index));
    json.attribute("loc", location);
    fields(json);
  });
  llvm::outs() << "\n";
}

/// The template to use for `op` (the H100's default when it names none).
const mix::ScheduleTemplateDecl *chooseTemplate(Operation *op,
                                                const OpShape &shape) {
  if (!templateName.empty())
    return mix::lookupScheduleTemplate(templateName);
  if (shape.scheduleTemplate)
    return mix::lookupScheduleTemplate(*shape.scheduleTemplate);
  return mix::getDefaultScheduleTemplate(op, mix::kDefaultChip);
}

/// Prints the lines of one op; false after printing an error. `kernelName`
/// is the name --convert-mix-to-gpu gives its kernel.
bool printOp(Operation *op, size_t index, llvm::StringRef kernelName) {
  std::string location;
  llvm::raw_string_ostream(location) << op->getLoc();
  auto fail = [&](const llvm::Twine &message) {
    llvm::outs().flush(); // keep the lines in order when both streams merge
    llvm::errs() << "mixc-space: op " << index << " ('" << op->getName()
                 << "' at " << location << "): " << message << "\n";
    return false;
  };
  auto shape = describeOp(op);
  if (!shape)
    return fail(llvm::toString(shape.takeError()));
  const mix::ScheduleTemplateDecl *decl = chooseTemplate(op, *shape);
  if (!decl)
    return fail("no kernel template '" +
                (templateName.empty() ? shape->opName : templateName) + "'");
  auto pointLine = [&](llvm::ArrayRef<int64_t> point,
                       const CompiledStats *compiled) -> bool {
    std::optional<Features> values;
    if (features) {
      auto computed = computeFeatures(*shape, *decl, point, compiled);
      if (!computed)
        return fail(llvm::toString(computed.takeError()));
      values = *computed;
    }
    printLine(index, location, [&](llvm::json::OStream &json) {
      if (values) {
        writeFeatureRecordFields(json, *shape, decl, point, *values);
        return;
      }
      json.attribute("op", shape->opName);
      json.attribute("template", decl->name);
      json.attributeObject("params", [&] {
        for (auto [param, value] : llvm::zip(decl->params, point))
          json.attribute(param.name, value);
      });
    });
    return true;
  };

  bool listPoints = enumerate || sampleCount.getNumOccurrences();
  if (features && !listPoints) {
    // The op's own schedule (defaults filled in), or the template default.
    llvm::SmallVector<int64_t, 8> point;
    if (shape->scheduleTemplate && *shape->scheduleTemplate == decl->name)
      point = shape->scheduleValues;
    else
      for (const mix::ScheduleParamDecl &param : decl->params)
        point.push_back(param.defaultValue);
    std::optional<CompiledStats> compiled;
    if (!manifests.empty()) {
      llvm::SmallString<128> path(manifests);
      llvm::sys::path::append(path, kernelName + ".json");
      auto stats = readCompiledStats(path);
      if (!stats)
        return fail(llvm::toString(stats.takeError()));
      compiled = *stats;
    }
    if (!pointLine(point, compiled ? &*compiled : nullptr))
      return false;
    if (!printCount)
      return true;
  }

  auto space = ScheduleSpace::get(*shape, decl->name);
  if (!space)
    return fail(llvm::toString(space.takeError()));
  if (printCount || (!listPoints && !features)) {
    printLine(index, location, [&](llvm::json::OStream &json) {
      json.attribute("op", shape->opName);
      json.attribute("template", decl->name);
      json.attributeArray("params", [&] {
        for (llvm::StringRef name : space->getParamNames())
          json.value(name);
      });
      json.attribute("count", int64_t(space->count()));
      json.attribute("product", int64_t(cartesianChoices(*decl).size()));
      if (!space->getRefusal().empty())
        json.attribute("refusal", space->getRefusal());
    });
  }
  if (enumerate)
    for (const IntegerPoint &point : space->getPoints())
      if (!pointLine(point, nullptr))
        return false;
  if (sampleCount.getNumOccurrences())
    for (const IntegerPoint &point : space->sample(sampleCount, seed))
      if (!pointLine(point, nullptr))
        return false;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(spaceCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "mixc-space: the schedule space and features of every mix op, as JSON "
      "lines\n\n"
      "  mixc-space model.mlir --count\n"
      "  mixc-space model.mlir --sample 8 --seed 1 --features\n");

  DialectRegistry registry;
  registerMixcDialects(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module =
      parseMixcFile(inputFilename, context, "mixc-space");
  if (!module)
    return 1;

  bool ok = true;
  size_t index = 0;
  llvm::StringMap<unsigned> familyCounts;
  module->walk([&](mix::ScheduledOpInterface op) {
    llvm::StringRef family = op->getName().stripDialect();
    std::string kernelName =
        (family + "_" + llvm::Twine(familyCounts[family]++)).str();
    ok &= printOp(op, index++, kernelName);
  });
  if (index == 0) {
    llvm::errs() << "mixc-space: no mix op in " << inputFilename << "\n";
    return 1;
  }
  return ok ? 0 : 1;
}
