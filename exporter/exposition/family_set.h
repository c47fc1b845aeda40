// FamilySet collects samples into metric families by name, keeping the order
// in which families first appear, and renders the text exposition format.
// Each sample is written as its exposition line when it is added, into
// fixed-size chunks per family. It serves answers of bounded size: a /probe
// answer and the families of /metrics that do not grow with the number of
// targets (a large scrape's per-target families are streamed by
// ExpositionStream instead).
//
// Not thread-safe: build one per response.
#pragma once

#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "exporter/exposition/sample_sink.h"

namespace outage {

class FamilySet : public SampleSink {
 public:
  void AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                double value) override;
  void AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                std::string_view extra_name, std::string_view extra_value, double value) override;
  // AddCounter is for values read from elsewhere, such as the kernel's CPU
  // accounting.
  void AddCounter(std::string_view name, std::string_view help, const LabelPairs& labels,
                  double value, std::string_view extra_name = {},
                  std::string_view extra_value = {}) override;
  void AddHistogram(std::string_view name, std::string_view help, const LabelPairs& labels,
                    const HistogramView& histogram, std::string_view extra_name = {},
                    std::string_view extra_value = {}) override;
  // AddFamilies merges already-built families (from a prometheus::Registry):
  // counters, gauges, untyped and histograms.
  void AddFamilies(const std::vector<prometheus::MetricFamily>& families);

  // Serialize renders the text exposition format (version 0.0.4), as
  // prometheus-cpp's TextSerializer does.
  std::string Serialize() const;

 private:
  struct Family {
    std::string name;
    std::string help;
    prometheus::MetricType type;
    std::vector<std::string> chunks;  // exposition lines, up to kChunkBytes each
  };

  Family& FamilyFor(std::string_view name, std::string_view help, prometheus::MetricType type);
  // Append adds the line in line_ to `family`.
  void Append(Family* family);

  std::vector<Family> families_;
  std::string line_;  // the line being written, reused
};

}  // namespace outage
