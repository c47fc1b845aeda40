// The text exposition format (version 0.0.4), line by line, written as
// prometheus-cpp's TextSerializer writes it: numbers as %.16g with "Nan",
// "+Inf", "-Inf"; label values escaped and made valid UTF-8. FamilySet and
// ExpositionStream both write through these, so both give the same text.
//
// Thread-safety: free functions and a per-line writer; no shared state.
#pragma once

#include <prometheus/metric_type.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/exposition/sample_sink.h"

namespace outage {

// AppendNumber writes `value` as an exposition value.
void AppendNumber(double value, std::string* out);

// AppendFamilyHeader writes the # HELP (when `help` is set) and # TYPE lines.
void AppendFamilyHeader(std::string_view name, std::string_view help, prometheus::MetricType type,
                        std::string* out);

// SampleLine writes one exposition line: name (plus suffix), the labels
// given, value.
class SampleLine {
 public:
  SampleLine(std::string* out, std::string_view name, std::string_view suffix = {});
  template <typename Pairs>
  SampleLine& Labels(const Pairs& pairs) {
    for (const auto& label : pairs) Label(label.first, label.second);
    return *this;
  }
  SampleLine& Label(std::string_view name, std::string_view value);
  // OptionalLabel adds the label only when `name` is not empty.
  SampleLine& OptionalLabel(std::string_view name, std::string_view value) {
    return name.empty() ? *this : Label(name, value);
  }
  void Value(double value);
  void Count(uint64_t count);

 private:
  void Close();
  std::string* out_;
  bool first_ = true;
};

// AppendHistogramLines writes one histogram series: _count, _sum, then the
// cumulative _bucket{le} lines ending with le="+Inf".
void AppendHistogramLines(std::string_view name, const LabelPairs& labels,
                          std::string_view extra_name, std::string_view extra_value,
                          const HistogramView& histogram, std::string* out);

}  // namespace outage
