//===- Plot.cpp - Line plots as SVG ---------------------------------------===//

#include "mixc/CostModel/Plot.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace mixc::costmodel;

namespace {

/// Text with XML's special characters escaped.
std::string escape(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A tick step of 1, 2 or 5 times a power of ten giving about 5 ticks.
double tickStep(double span) {
  double raw = span / 5, power = std::pow(10, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0})
    if (raw <= factor * power)
      return factor * power;
  return 10 * power;
}

std::string number(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

} // namespace

std::string mixc::costmodel::linePlotSvg(llvm::ArrayRef<PlotSeries> series,
                                         const PlotOptions &options) {
  static const char *const colours[] = {"#1f77b4", "#d62728", "#2ca02c",
                                        "#ff7f0e", "#9467bd", "#8c564b",
                                        "#e377c2", "#7f7f7f"};
  const double width = 720, height = 440, left = 70, right = 190, top = 40,
               bottom = 55;
  double xMin = INFINITY, xMax = -INFINITY, yMin = INFINITY, yMax = -INFINITY;
  for (const PlotSeries &s : series)
    for (auto [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y))
        continue;
      xMin = std::min(xMin, x);
      xMax = std::max(xMax, x);
      yMin = std::min(yMin, y);
      yMax = std::max(yMax, y);
    }
  if (!std::isfinite(xMin)) { // no data: an empty frame
    xMin = yMin = 0;
    xMax = yMax = 1;
  }
  if (options.yMin)
    yMin = *options.yMin;
  if (options.yMax)
    yMax = *options.yMax;
  if (xMax <= xMin)
    xMax = xMin + 1;
  if (yMax <= yMin)
    yMax = yMin + 1;
  double plotW = width - left - right, plotH = height - top - bottom;
  auto px = [&](double x) { return left + (x - xMin) / (xMax - xMin) * plotW; };
  auto py = [&](double y) {
    return top + plotH - (y - yMin) / (yMax - yMin) * plotH;
  };

  std::string svg;
  llvm::raw_string_ostream out(svg);
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
      << "\" height=\"" << height << "\" font-family=\"sans-serif\" "
      << "font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << left + plotW / 2 << "\" y=\"22\" font-size=\"15\" "
      << "text-anchor=\"middle\">" << escape(options.title) << "</text>\n";
  // Grid and ticks.
  double yStep = tickStep(yMax - yMin), xStep = tickStep(xMax - xMin);
  for (double y = std::ceil(yMin / yStep) * yStep; y <= yMax + 1e-9 * yStep;
       y += yStep)
    out << "<line x1=\"" << left << "\" x2=\"" << left + plotW << "\" y1=\""
        << py(y) << "\" y2=\"" << py(y) << "\" stroke=\"#ddd\"/>\n"
        << "<text x=\"" << left - 6 << "\" y=\"" << py(y) + 4
        << "\" text-anchor=\"end\">" << number(y) << "</text>\n";
  for (double x = std::ceil(xMin / xStep) * xStep; x <= xMax + 1e-9 * xStep;
       x += xStep)
    out << "<line x1=\"" << px(x) << "\" x2=\"" << px(x) << "\" y1=\"" << top
        << "\" y2=\"" << top + plotH << "\" stroke=\"#eee\"/>\n"
        << "<text x=\"" << px(x) << "\" y=\"" << top + plotH + 16
        << "\" text-anchor=\"middle\">" << number(x) << "</text>\n";
  out << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plotW
      << "\" height=\"" << plotH << "\" fill=\"none\" stroke=\"black\"/>\n"
      << "<text x=\"" << left + plotW / 2 << "\" y=\"" << height - 14
      << "\" text-anchor=\"middle\">" << escape(options.xLabel) << "</text>\n"
      << "<text transform=\"translate(18," << top + plotH / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << escape(options.yLabel)
      << "</text>\n";
  // Series and legend.
  for (auto [index, s] : llvm::enumerate(series)) {
    const char *colour = colours[index % std::size(colours)];
    out << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << colour
        << "\" points=\"";
    for (auto [x, y] : s.points)
      if (std::isfinite(x) && std::isfinite(y))
        out << px(x) << "," << py(std::clamp(y, yMin, yMax)) << " ";
    out << "\"/>\n";
    double ly = top + 10 + 20 * double(index);
    out << "<line x1=\"" << left + plotW + 12 << "\" x2=\"" << left + plotW + 36
        << "\" y1=\"" << ly << "\" y2=\"" << ly
        << "\" stroke-width=\"2\" stroke=\"" << colour << "\"/>\n"
        << "<text x=\"" << left + plotW + 42 << "\" y=\"" << ly + 4 << "\">"
        << escape(s.name) << "</text>\n";
  }
  out << "</svg>\n";
  return svg;
}
