//===- Plot.h - Line plots as SVG -------------------------------*- C++ -*-===//
//
// The cost model's report and mixc-tune's tuning curve are line plots; SVG
// written here needs no plotting package on the machine.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_PLOT_H
#define MIXC_COSTMODEL_PLOT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mixc::costmodel {

struct PlotSeries {
  std::string name;
  std::vector<std::pair<double, double>> points; ///< (x, y), in x order
};

struct PlotOptions {
  std::string title, xLabel, yLabel;
  /// The y range; the data's range (with a margin) when not given.
  std::optional<double> yMin, yMax;
};

/// A standalone SVG document: axes with ticks, one polyline per series in
/// distinct colours, a legend.
std::string linePlotSvg(llvm::ArrayRef<PlotSeries> series,
                        const PlotOptions &options);

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_PLOT_H
