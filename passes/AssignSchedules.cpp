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

/// The fastest passed schedule of each task in a tuning database.
llvm::StringMap<const Measurement *>
bestPerTask(llvm::ArrayRef<Measurement> records) {
  llvm::StringMap<const Measurement *> best;
  for (const Measurement &m : records) {
    if (!m.passed() || !mix::lookupScheduleTemplate(m.templateName))
      continue;
    const Measurement *&slot = best[m.task];
    if (!slot || m.timeMs < slot->timeMs)
      slot = &m;
  }
  return best;
}

/// The model's top pick among the legal schedules of `decl` for `shape`.
FailureOr<IntegerPoint> modelPick(const CostModel &model, const OpShape &shape,
                                  const mix::ScheduleTemplateDecl &decl,
                                  Operation *op) {
  auto space = ScheduleSpace::get(shape, decl.name);
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
  if (points.empty())
    return failure();
  std::vector<std::vector<double>> rows;
  for (const IntegerPoint &point : points) {
    auto features = computeFeatures(shape, decl, point);
    if (!features) {
      op->emitWarning() << "mix-assign-schedules: "
                        << llvm::toString(features.takeError());
      return failure();
    }
    rows.push_back(features->values());
  }
  auto scores = model.score(rows);
  if (!scores) {
    op->emitWarning() << "mix-assign-schedules: "
                      << llvm::toString(scores.takeError());
    return failure();
  }
  size_t best = size_t(std::max_element(scores->begin(), scores->end()) -
                       scores->begin());
  return points[best];
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
    llvm::StringMap<const Measurement *> best = bestPerTask(records);
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
      std::vector<const mix::ScheduleTemplateDecl *> templates =
          mix::getScheduleTemplatesForOp(op->getName().getStringRef());
      if (templates.empty())
        return; // no kernel for this op yet: nothing to choose
      const mix::ScheduleTemplateDecl &defaultDecl = *templates.front();
      auto defaults = [&] {
        IntegerPoint point;
        for (const mix::ScheduleParamDecl &param : defaultDecl.params)
          point.push_back(param.defaultValue);
        return point;
      };

      auto shape = describeOp(op);
      if (!shape) {
        // The cost model cannot describe it (e.g. dynamic sizes): only the
        // default applies.
        llvm::consumeError(shape.takeError());
        return assign(defaultDecl, defaults(), "default");
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
        if (FailureOr<IntegerPoint> point =
                modelPick(*model, *shape, defaultDecl, op);
            succeeded(point))
          return assign(defaultDecl, *point, "model");
      assign(defaultDecl, defaults(), "default");
    });
  }
};

} // namespace
