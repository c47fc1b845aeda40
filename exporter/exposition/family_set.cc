#include "exporter/exposition/family_set.h"

#include <algorithm>
#include <limits>
#include <string>

#include "exporter/exposition/exposition_text.h"

namespace outage {
namespace {

// A family's first chunk grows as a string does (most families of a /probe
// answer hold one line); once it passes this size, the text goes on in new
// chunks reserved at this size: no copies as a family grows, and at most one
// chunk of slack per family.
constexpr size_t kChunkBytes = 64 * 1024;

// LabelsOf views a ClientMetric's labels as name/value pairs.
struct LabelsOf {
  const std::vector<prometheus::ClientMetric::Label>& labels;
  struct Iterator {
    std::vector<prometheus::ClientMetric::Label>::const_iterator it;
    std::pair<const std::string&, const std::string&> operator*() const {
      return {it->name, it->value};
    }
    Iterator& operator++() {
      ++it;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return it != o.it; }
  };
  Iterator begin() const { return {labels.begin()}; }
  Iterator end() const { return {labels.end()}; }
};

void AppendHistogram(std::string_view name, const prometheus::ClientMetric& m, std::string* out) {
  const auto& h = m.histogram;
  const LabelsOf labels{m.label};
  SampleLine(out, name, "_count").Labels(labels).Count(h.sample_count);
  SampleLine(out, name, "_sum").Labels(labels).Value(h.sample_sum);
  double last = -std::numeric_limits<double>::infinity();
  std::string le;
  for (const auto& b : h.bucket) {
    le.clear();
    AppendNumber(b.upper_bound, &le);
    SampleLine(out, name, "_bucket").Labels(labels).Label("le", le).Count(b.cumulative_count);
    last = b.upper_bound;
  }
  if (last != std::numeric_limits<double>::infinity()) {
    SampleLine(out, name, "_bucket").Labels(labels).Label("le", "+Inf").Count(h.sample_count);
  }
}

void AppendSummary(std::string_view name, const prometheus::ClientMetric& m, std::string* out) {
  const auto& s = m.summary;
  const LabelsOf labels{m.label};
  SampleLine(out, name, "_count").Labels(labels).Count(s.sample_count);
  SampleLine(out, name, "_sum").Labels(labels).Value(s.sample_sum);
  std::string q;
  for (const auto& quantile : s.quantile) {
    q.clear();
    AppendNumber(quantile.quantile, &q);
    SampleLine(out, name).Labels(labels).Label("quantile", q).Value(quantile.value);
  }
}

}  // namespace

FamilySet::Family& FamilySet::FamilyFor(std::string_view name, std::string_view help,
                                        prometheus::MetricType type) {
  // Samples of one family mostly come together, and a set holds tens of
  // families: the last family, then a scan, beats hashing a copied name.
  if (!families_.empty() && families_.back().name == name) return families_.back();
  for (Family& f : families_) {
    if (f.name == name) return f;
  }
  families_.push_back(Family{std::string(name), std::string(help), type, {}});
  return families_.back();
}

void FamilySet::Append(Family* family) {
  auto& chunks = family->chunks;
  if (chunks.empty()) {
    chunks.emplace_back();
  } else if (chunks.back().size() + line_.size() >
             std::max(kChunkBytes, chunks.back().capacity())) {
    chunks.emplace_back().reserve(std::max(kChunkBytes, line_.size()));
  }
  chunks.back().append(line_);
  line_.clear();
}

void FamilySet::AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                         double value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Gauge);
  SampleLine(&line_, f.name).Labels(labels).Value(value);
  Append(&f);
}

void FamilySet::AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                         std::string_view extra_name, std::string_view extra_value, double value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Gauge);
  SampleLine(&line_, f.name).Labels(labels).Label(extra_name, extra_value).Value(value);
  Append(&f);
}

void FamilySet::AddCounter(std::string_view name, std::string_view help, const LabelPairs& labels,
                           double value, std::string_view extra_name,
                           std::string_view extra_value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Counter);
  SampleLine(&line_, f.name).Labels(labels).OptionalLabel(extra_name, extra_value).Value(value);
  Append(&f);
}

void FamilySet::AddHistogram(std::string_view name, std::string_view help, const LabelPairs& labels,
                             const HistogramView& histogram, std::string_view extra_name,
                             std::string_view extra_value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Histogram);
  AppendHistogramLines(f.name, labels, extra_name, extra_value, histogram, &line_);
  Append(&f);
}

void FamilySet::AddFamilies(const std::vector<prometheus::MetricFamily>& families) {
  for (const auto& in : families) {
    if (in.metric.empty()) continue;
    Family& f = FamilyFor(in.name, in.help, in.type);
    for (const auto& m : in.metric) {
      const LabelsOf labels{m.label};
      switch (in.type) {
        case prometheus::MetricType::Counter:
          SampleLine(&line_, f.name).Labels(labels).Value(m.counter.value);
          break;
        case prometheus::MetricType::Gauge:
          SampleLine(&line_, f.name).Labels(labels).Value(m.gauge.value);
          break;
        case prometheus::MetricType::Untyped:
          SampleLine(&line_, f.name).Labels(labels).Value(m.untyped.value);
          break;
        case prometheus::MetricType::Histogram:
          AppendHistogram(f.name, m, &line_);
          break;
        case prometheus::MetricType::Summary:
          AppendSummary(f.name, m, &line_);
          break;
      }
      Append(&f);
    }
  }
}

std::string FamilySet::Serialize() const {
  size_t size = 0;
  for (const Family& f : families_) {
    size += f.name.size() * 2 + f.help.size() + 32;  // the two header lines
    for (const std::string& chunk : f.chunks) size += chunk.size();
  }
  std::string body;
  body.reserve(size);
  for (const Family& f : families_) {
    AppendFamilyHeader(f.name, f.help, f.type, &body);
    for (const std::string& chunk : f.chunks) body.append(chunk);
  }
  return body;
}

}  // namespace outage
