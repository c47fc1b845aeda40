// See sparkline.h.
#include "exporter/status_page/sparkline.h"

#include <algorithm>
#include <cstdio>

namespace outage {
namespace {

constexpr double kWidth = 120;
constexpr double kHeight = 24;
constexpr double kPad = 2;

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

}  // namespace

std::string FormatDuration(double seconds) {
  char buf[32];
  if (seconds < 0.001) {
    std::snprintf(buf, sizeof(buf), "%.0f \u00b5s", seconds * 1e6);
  } else if (seconds < 1) {
    std::snprintf(buf, sizeof(buf), "%.1f ms", seconds * 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%.2f s", seconds);
  }
  return buf;
}

std::string Sparkline(const std::vector<TrendPoint>& points) {
  if (points.empty()) return "";
  double slowest = 0;
  double fastest = points.front().duration_seconds;
  int failures = 0;
  for (const TrendPoint& p : points) {
    slowest = std::max(slowest, p.duration_seconds);
    fastest = std::min(fastest, p.duration_seconds);
    failures += p.success ? 0 : 1;
  }
  const double step =
      points.size() > 1 ? (kWidth - 2 * kPad) / static_cast<double>(points.size() - 1) : 0;
  auto x = [&](size_t i) { return kPad + step * static_cast<double>(i); };
  auto y = [&](double d) {
    const double scale = slowest > 0 ? d / slowest : 0;
    return kHeight - kPad - scale * (kHeight - 2 * kPad);
  };
  const std::string label = std::to_string(points.size()) + " recent probes, " +
                            std::to_string(failures) + " failed; fastest " +
                            FormatDuration(fastest) + ", slowest " + FormatDuration(slowest);
  std::string svg = "<svg class=\"spark\" viewBox=\"0 0 " + Number(kWidth) + " " + Number(kHeight) +
                    "\" width=\"" + Number(kWidth) + "\" height=\"" + Number(kHeight) +
                    "\" role=\"img\" aria-label=\"" + label + "\"><title>" + label +
                    "</title><polyline fill=\"none\" "
                    "stroke=\"currentColor\" stroke-width=\"1.5\" points=\"";
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0) svg += ' ';
    svg += Number(x(i)) + "," + Number(y(points[i].duration_seconds));
  }
  svg += "\"/>";
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i].success) continue;
    svg += "<rect class=\"fail\" x=\"" + Number(x(i) - 2) + "\" y=\"" + Number(kHeight - kPad - 4) +
           "\" width=\"4\" height=\"4\"/>";
  }
  return svg + "</svg>";
}

}  // namespace outage
