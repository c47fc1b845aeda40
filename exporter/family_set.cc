#include "exporter/family_set.h"

#include <prometheus/text_serializer.h>

#include <sstream>
#include <utility>

namespace outage {

prometheus::MetricFamily& FamilySet::FamilyFor(std::string_view name,
                                               std::string_view help,
                                               prometheus::MetricType type) {
  auto it = index_.find(std::string(name));
  if (it != index_.end()) return families_[it->second];
  index_.emplace(std::string(name), families_.size());
  prometheus::MetricFamily family;
  family.name = std::string(name);
  family.help = std::string(help);
  family.type = type;
  families_.push_back(std::move(family));
  return families_.back();
}

void FamilySet::AddGauge(std::string_view name, std::string_view help,
                         const LabelPairs& labels, double value) {
  prometheus::MetricFamily& family = FamilyFor(name, help, prometheus::MetricType::Gauge);
  prometheus::ClientMetric metric;
  metric.label.reserve(labels.size());
  for (const auto& [n, v] : labels) metric.label.push_back({n, v});
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

void FamilySet::AddCounter(std::string_view name, std::string_view help,
                           const LabelPairs& labels, double value) {
  prometheus::MetricFamily& family = FamilyFor(name, help, prometheus::MetricType::Counter);
  prometheus::ClientMetric metric;
  for (const auto& [n, v] : labels) metric.label.push_back({n, v});
  metric.counter.value = value;
  family.metric.push_back(std::move(metric));
}

void FamilySet::AddFamilies(std::vector<prometheus::MetricFamily> families) {
  for (auto& f : families) {
    if (f.metric.empty()) continue;
    prometheus::MetricFamily& family = FamilyFor(f.name, f.help, f.type);
    for (auto& m : f.metric) family.metric.push_back(std::move(m));
  }
}

std::string FamilySet::Serialize() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families_);
  return out.str();
}

}  // namespace outage
