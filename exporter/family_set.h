// FamilySet collects samples into metric families by name, keeping the order
// in which families first appear, and renders the text exposition format.
// Each sample is written as its exposition line when it is added, into
// fixed-size chunks per family: a scrape of thousands of targets adds
// hundreds of thousands of samples (75 MB of text at 5,000 targets), and
// holding them as prometheus-cpp ClientMetric objects, or growing strings by
// doubling and joining them, cost several times the memory of the text and
// most of the scrape's CPU (page faults and copies).
//
// Not thread-safe: build one per response.
#pragma once

#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config.h"

namespace outage {

class FamilySet {
 public:
  // AddGauge appends a gauge sample; the family is created on first use.
  void AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                double value);
  // AddGauge with one more label after `labels` (a one-hot's state or reason).
  void AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                std::string_view extra_name, std::string_view extra_value, double value);
  // AddCounter appends a counter sample (for values read from elsewhere, such
  // as the kernel's CPU accounting).
  void AddCounter(std::string_view name, std::string_view help, const LabelPairs& labels,
                  double value);
  // AddFamilies merges already-built families (from a prometheus::Registry):
  // counters, gauges, untyped and histograms.
  void AddFamilies(const std::vector<prometheus::MetricFamily>& families);

  // Serialize renders the text exposition format (version 0.0.4), as
  // prometheus-cpp's TextSerializer does.
  std::string Serialize() const;
  // TakeExposition is the same text as pieces to be sent in order, without
  // joining them into one copy; the set is left empty.
  std::vector<std::string> TakeExposition() &&;

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
  static std::string Header(const Family& family);

  std::vector<Family> families_;
  std::unordered_map<std::string, size_t> index_;
  std::string line_;  // the line being written, reused
};

}  // namespace outage
