//===- AssignSchedules.cpp - --mix-assign-schedules -----------------------===//
//
// Gives each mix op a schedule: the tuning database's fastest for its task,
// else the cost model's top pick from its schedule space, else the template
// default (Passes.td has the user-facing description).
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/Dataset.h"
#include "mixc/CostModel/Features.h"
#include "mixc/CostModel/Model.h"
#include "mixc/CostModel/OpShape.h"
#include "mixc/CostModel/ScheduleSpace.h"
#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"
#include "mixc/Passes/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

namespace mixc {
#define GEN_PASS_DEF_MIXASSIGNSCHEDULES
#include "mixc/Passes/Passes.h.inc"
} // namespace mixc

using namespace mlir;
using namespace mixc;
using namespace mixc::costmodel;

namespace {

/// Spaces larger than this are ranked on a uniform sample of this size.
constexpr size_t kMaxRankedPoints = 4096;

/// The fastest passed schedule of each task in a tuning database, among
/// the schedules that `chip` runs (template and parameter values).
llvm::StringMap<const Measurement *>
bestPerTask(llvm::ArrayRef<Measurement> records, StringRef chip) {
  llvm::StringMap<const Measurement *> best;
  for (const Measurement &m : records) {
    const mix::ScheduleTemplateDecl *decl =
        mix::lookupScheduleTemplate(m.templateName);
    if (!m.passed() || !decl || !decl->runsOn(chip))
      continue;
    std::optional<IntegerPoint> point = schedulePoint(m, *decl);
    if (!point || !decl->runsOn(chip, *point))
      continue;
    const Measurement *&slot = best[m.task];
    if (!slot || m.timeMs < slot->timeMs)
      slot = &m;
  }
  return best;
}

/// A template and a point of its space.
struct Pick {
  const mix::ScheduleTemplateDecl *decl;
  IntegerPoint point;
};

/// The model's top pick among the legal schedules of every template of
/// `op` that `chip` runs (the model learned the templates side by side:
/// template_index is a feature).
FailureOr<Pick> modelPick(const CostModel &model, const OpShape &shape,
                          StringRef chip, Operation *op) {
  std::vector<Pick> candidates;
  std::vector<std::vector<double>> rows;
  for (const mix::ScheduleTemplateDecl *decl :
       mix::getScheduleTemplatesForOp(shape.opName)) {
    if (!decl->runsOn(chip))
      continue;
    auto space = ScheduleSpace::get(shape, decl->name);
    if (!space) {
      op->emitWarning() << "mix-assign-schedules: no schedule space: "
                        << llvm::toString(space.takeError());
      return failure();
    }
    std::vector<IntegerPoint> points =
        space->count() <= kMaxRankedPoints
            ? std::vector<IntegerPoint>(space->getPoints().begin(),
                                        space->getPoints().end())
            : space->sample(kMaxRankedPoints, /*seed=*/0);
    for (IntegerPoint &point : points) {
      if (!decl->runsOn(chip, point))
        continue;
      auto features = computeFeatures(shape, *decl, point);
      if (!features) {
        op->emitWarning() << "mix-assign-schedules: "
                          << llvm::toString(features.takeError());
        return failure();
      }
      rows.push_back(features->values());
      candidates.push_back({decl, std::move(point)});
    }
  }
  if (candidates.empty())
    return failure();
  auto scores = model.score(rows);
  if (!scores) {
    op->emitWarning() << "mix-assign-schedules: "
                      << llvm::toString(scores.takeError());
    return failure();
  }
  size_t best = size_t(std::max_element(scores->begin(), scores->end()) -
                       scores->begin());
  return candidates[best];
}

struct MixAssignSchedulesPass
    : public mixc::impl::MixAssignSchedulesBase<MixAssignSchedulesPass> {
  using MixAssignSchedulesBase::MixAssignSchedulesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::vector<Measurement> records;
    if (!dbPath.empty()) {
      auto loaded = loadMeasurements(dbPath);
      if (!loaded) {
        mlir::emitError(module.getLoc())
            << "mix-assign-schedules: " << llvm::toString(loaded.takeError());
        return signalPassFailure();
      }
      records = std::move(*loaded);
    }
    llvm::StringMap<const Measurement *> best = bestPerTask(records, chip);
    std::optional<CostModel> model;
    if (!modelPath.empty()) {
      auto loaded = CostModel::load(modelPath);
      if (!loaded) {
        mlir::emitError(module.getLoc())
            << "mix-assign-schedules: " << llvm::toString(loaded.takeError());
        return signalPassFailure();
      }
      model = std::move(*loaded);
    }

    MLIRContext *context = &getContext();
    module.walk([&](mix::ScheduledOpInterface op) {
      if (op.getScheduleAttr() && !overwrite)
        return;
      auto assign = [&](const mix::ScheduleTemplateDecl &decl,
                        llvm::ArrayRef<int64_t> point, StringRef source) {
        op.setScheduleAttr(
            cast<mix::ScheduleAttr>(scheduleAttribute(context, decl, point)));
        op->setAttr("mix.schedule_source", StringAttr::get(context, source));
      };
      const mix::ScheduleTemplateDecl *defaultDecl =
          mix::getDefaultScheduleTemplate(op, chip);
      if (!defaultDecl)
        return; // no kernel for this op yet: nothing to choose
      auto defaults = [&] {
        std::vector<int64_t> values = mix::defaultValues(*defaultDecl, chip);
        return IntegerPoint(values.begin(), values.end());
      };

      auto shape = describeOp(op);
      if (!shape) {
        // The cost model cannot describe it (e.g. dynamic sizes): only the
        // default applies.
        llvm::consumeError(shape.takeError());
        return assign(*defaultDecl, defaults(), "default");
      }
      auto it = best.find(taskKey(*shape));
      if (it != best.end()) {
        const mix::ScheduleTemplateDecl *decl =
            mix::lookupScheduleTemplate(it->second->templateName);
        if (decl && decl->opName == shape->opName)
          if (std::optional<IntegerPoint> point =
                  schedulePoint(*it->second, *decl))
            return assign(*decl, *point, "db");
      }
      if (model)
        if (FailureOr<Pick> pick = modelPick(*model, *shape, chip, op);
            succeeded(pick))
          return assign(*pick->decl, pick->point, "model");
      assign(*defaultDecl, defaults(), "default");
    });
  }
};

} // namespace
