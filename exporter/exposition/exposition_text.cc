// See exposition_text.h.
#include "exporter/exposition/exposition_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "config/utf8.h"

namespace outage {
namespace {

void AppendEscaped(std::string_view raw, std::string* out) {
  // Label values come from targets, vendors and probed servers; the
  // exposition format (and promtool) accept only UTF-8.
  std::string replaced;
  const std::string_view value = AsValidUtf8(raw, &replaced);
  for (const char c : value) {
    switch (c) {
      case '\n':
        out->append("\\n");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '"':
        out->append("\\\"");
        break;
      default:
        out->push_back(c);
    }
  }
}

const char* TypeName(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Summary:
      return "summary";
    case prometheus::MetricType::Histogram:
      return "histogram";
    case prometheus::MetricType::Untyped:
      break;
  }
  return "untyped";
}

}  // namespace

void AppendNumber(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("Nan");
  } else if (std::isinf(value)) {
    out->append(value < 0 ? "-Inf" : "+Inf");
  } else if (value == std::trunc(value) && std::fabs(value) < 1e15 &&
             !(value == 0 && std::signbit(value))) {
    // Most values are counts, codes and flags. A whole number below 1e15
    // has fewer than 16 digits, so "%.16g" writes it as an integer, which
    // is cheaper to format as one. (-0 keeps its sign: "%.16g" says "-0".)
    char buf[24];
    const std::to_chars_result r =
        std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(value));
    out->append(buf, r.ptr);
  } else {
    // Exactly printf's "%.16g", without printf's cost (every probe writes
    // dozens of values).
    char buf[32];
    const std::to_chars_result r =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general,
                      std::numeric_limits<double>::max_digits10 - 1);
    out->append(buf, r.ptr);
  }
}

void AppendFamilyHeader(std::string_view name, std::string_view help, prometheus::MetricType type,
                        std::string* out) {
  if (!help.empty()) out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(TypeName(type)).append("\n");
}

SampleLine::SampleLine(std::string* out, std::string_view name, std::string_view suffix)
    : out_(out) {
  out_->append(name).append(suffix);
}

SampleLine& SampleLine::Label(std::string_view name, std::string_view value) {
  out_->push_back(first_ ? '{' : ',');
  first_ = false;
  out_->append(name).append("=\"");
  AppendEscaped(value, out_);
  out_->push_back('"');
  return *this;
}

void SampleLine::Value(double value) {
  Close();
  AppendNumber(value, out_);
  out_->push_back('\n');
}

void SampleLine::Count(uint64_t count) {
  Close();
  out_->append(std::to_string(count)).push_back('\n');
}

void SampleLine::Close() { out_->append(first_ ? " " : "} "); }

void AppendHistogramLines(std::string_view name, const LabelPairs& labels,
                          std::string_view extra_name, std::string_view extra_value,
                          const HistogramView& histogram, std::string* out) {
  SampleLine(out, name, "_count")
      .Labels(labels)
      .OptionalLabel(extra_name, extra_value)
      .Count(histogram.count);
  SampleLine(out, name, "_sum")
      .Labels(labels)
      .OptionalLabel(extra_name, extra_value)
      .Value(histogram.sum);
  uint64_t cumulative = 0;
  std::string le;
  for (size_t i = 0; i < histogram.bounds.size(); ++i) {
    cumulative += i < histogram.counts.size() ? histogram.counts[i] : 0;
    if (std::isinf(histogram.bounds[i])) break;  // the +Inf line follows
    le.clear();
    AppendNumber(histogram.bounds[i], &le);
    SampleLine(out, name, "_bucket")
        .Labels(labels)
        .OptionalLabel(extra_name, extra_value)
        .Label("le", le)
        .Count(cumulative);
  }
  SampleLine(out, name, "_bucket")
      .Labels(labels)
      .OptionalLabel(extra_name, extra_value)
      .Label("le", "+Inf")
      .Count(histogram.count);
}

}  // namespace outage
