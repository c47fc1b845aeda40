// FamilySet collects samples into metric families by name, keeping the order
// in which families first appear, and renders them with prometheus-cpp's
// TextSerializer. One family per name is what the exposition format needs.
//
// Not thread-safe: build one per response.
#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"

namespace outage {

class FamilySet {
 public:
  // AddGauge appends a gauge sample; the family is created on first use.
  void AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                double value);
  // AddCounter appends a counter sample (for values read from elsewhere, such
  // as the kernel's CPU accounting).
  void AddCounter(std::string_view name, std::string_view help, const LabelPairs& labels,
                  double value);
  // AddFamilies merges already-built families (from a prometheus::Registry).
  void AddFamilies(std::vector<prometheus::MetricFamily> families);

  // Serialize renders the text exposition format (version 0.0.4).
  std::string Serialize() const;

 private:
  prometheus::MetricFamily& FamilyFor(std::string_view name, std::string_view help,
                                      prometheus::MetricType type);

  std::vector<prometheus::MetricFamily> families_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace outage
