// SampleSink: where exposition samples are written. FamilySet collects them
// (a /probe answer, the small families of /metrics); ExpositionStream writes
// the per-target families of /metrics straight to the response. Writers of
// samples (probe results, target stats, diagnosis) take a SampleSink and do
// not know which.
//
// Thread-safety: an implementation belongs to one thread at a time.
#pragma once

#include <prometheus/metric_type.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace outage {

// HistogramView is one histogram series as the exposition needs it.
struct HistogramView {
  const std::vector<double>& bounds;    // upper bounds, ascending, without +Inf
  const std::vector<uint64_t>& counts;  // per bucket (not cumulative); the last is above all bounds
  double sum = 0;
  uint64_t count = 0;
};

class SampleSink {
 public:
  virtual ~SampleSink() = default;
  // AddGauge appends a gauge sample; the family is created on first use.
  virtual void AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                        double value) = 0;
  // AddGauge with one more label after `labels` (a one-hot's state or reason).
  virtual void AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                        std::string_view extra_name, std::string_view extra_value,
                        double value) = 0;
  // AddCounter appends a counter sample, with an optional extra label as above.
  virtual void AddCounter(std::string_view name, std::string_view help, const LabelPairs& labels,
                          double value, std::string_view extra_name = {},
                          std::string_view extra_value = {}) = 0;
  // AddHistogram appends one histogram series (_count, _sum, _bucket{le}),
  // with an optional extra label as above.
  virtual void AddHistogram(std::string_view name, std::string_view help, const LabelPairs& labels,
                            const HistogramView& histogram, std::string_view extra_name = {},
                            std::string_view extra_value = {}) = 0;
};

}  // namespace outage
