#include "exporter/family_set.h"

#include <prometheus/text_serializer.h>

#include <ostream>
#include <streambuf>
#include <string>
#include <utility>

namespace outage {
namespace {

// StringSink is a streambuf that appends everything written to a string.
class StringSink : public std::streambuf {
 public:
  explicit StringSink(std::string* out) : out_(out) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_->append(s, static_cast<size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      out_->push_back(traits_type::to_char_type(c));
    }
    return traits_type::not_eof(c);
  }

 private:
  std::string* out_;
};

}  // namespace

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
  // Written once, straight into the string that becomes the response body:
  // an ostringstream grows by doubling and then copies everything out, which
  // for a scrape of thousands of targets (megabytes) costs a third of the
  // peak memory and a good share of the CPU.
  size_t samples = 0;
  for (const auto& f : families_) samples += f.metric.size();
  std::string body;
  body.reserve(samples * 96);  // a typical line with target and module labels
  StringSink sink(&body);
  std::ostream out(&sink);
  prometheus::TextSerializer().Serialize(out, families_);
  return body;
}

}  // namespace outage
