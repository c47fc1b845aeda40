#include "exporter/exposition/family_set.h"

#include <limits>
#include <string>

#include "exporter/exposition/exposition_text.h"

namespace outage {
namespace {

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

FamilySet::FamilySet() {
  // What a /probe answer needs, so that building one rarely grows a buffer.
  families_.reserve(32);
  spans_.reserve(48);
  names_.reserve(2048);
  text_.reserve(4096);
}

FamilySet::Family& FamilySet::FamilyFor(std::string_view name, std::string_view help,
                                        prometheus::MetricType type) {
  // Samples of one family mostly come together, and a set holds tens of
  // families: the last family, then a scan, beats hashing a copied name.
  if (!families_.empty() && NameOf(families_.back()) == name) return families_.back();
  for (Family& f : families_) {
    if (NameOf(f) == name) return f;
  }
  families_.push_back(Family{names_.size(), name.size(), help.size(), type});
  names_.append(name).append(help);
  return families_.back();
}

void FamilySet::Added(Family* family, size_t start) {
  const size_t size = text_.size() - start;
  if (family->last_span != kNone) {
    Span& last = spans_[family->last_span];
    // The family's previous samples end where these begin: one span.
    if (last.at + last.size == start) {
      last.size += size;
      return;
    }
    last.next = spans_.size();
  } else {
    family->first_span = spans_.size();
  }
  family->last_span = spans_.size();
  spans_.push_back(Span{start, size});
}

void FamilySet::AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                         double value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Gauge);
  const size_t start = text_.size();
  SampleLine(&text_, NameOf(f)).Labels(labels).Value(value);
  Added(&f, start);
}

void FamilySet::AddGauge(std::string_view name, std::string_view help, const LabelPairs& labels,
                         std::string_view extra_name, std::string_view extra_value, double value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Gauge);
  const size_t start = text_.size();
  SampleLine(&text_, NameOf(f)).Labels(labels).Label(extra_name, extra_value).Value(value);
  Added(&f, start);
}

void FamilySet::AddCounter(std::string_view name, std::string_view help, const LabelPairs& labels,
                           double value, std::string_view extra_name,
                           std::string_view extra_value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Counter);
  const size_t start = text_.size();
  SampleLine(&text_, NameOf(f)).Labels(labels).OptionalLabel(extra_name, extra_value).Value(value);
  Added(&f, start);
}

void FamilySet::AddHistogram(std::string_view name, std::string_view help, const LabelPairs& labels,
                             const HistogramView& histogram, std::string_view extra_name,
                             std::string_view extra_value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Histogram);
  const size_t start = text_.size();
  AppendHistogramLines(NameOf(f), labels, extra_name, extra_value, histogram, &text_);
  Added(&f, start);
}

void FamilySet::AddFamilies(const std::vector<prometheus::MetricFamily>& families) {
  for (const auto& in : families) {
    if (in.metric.empty()) continue;
    Family& f = FamilyFor(in.name, in.help, in.type);
    const size_t start = text_.size();
    for (const auto& m : in.metric) {
      const LabelsOf labels{m.label};
      switch (in.type) {
        case prometheus::MetricType::Counter:
          SampleLine(&text_, in.name).Labels(labels).Value(m.counter.value);
          break;
        case prometheus::MetricType::Gauge:
          SampleLine(&text_, in.name).Labels(labels).Value(m.gauge.value);
          break;
        case prometheus::MetricType::Untyped:
          SampleLine(&text_, in.name).Labels(labels).Value(m.untyped.value);
          break;
        case prometheus::MetricType::Histogram:
          AppendHistogram(in.name, m, &text_);
          break;
        case prometheus::MetricType::Summary:
          AppendSummary(in.name, m, &text_);
          break;
      }
    }
    Added(&f, start);
  }
}

std::string FamilySet::Serialize() const {
  size_t size = text_.size();
  for (const Family& f : families_) size += f.name_size * 2 + f.help_size + 32;  // the headers
  std::string body;
  body.reserve(size);
  for (const Family& f : families_) {
    AppendFamilyHeader(NameOf(f), HelpOf(f), f.type, &body);
    for (size_t i = f.first_span; i != kNone; i = spans_[i].next) {
      body.append(text_, spans_[i].at, spans_[i].size);
    }
  }
  return body;
}

}  // namespace outage
