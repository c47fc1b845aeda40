#include "exporter/family_set.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "config/utf8.h"

namespace outage {
namespace {

// AppendNumber writes a value as TextSerializer does: %.16g, and "Nan",
// "+Inf" or "-Inf".
void AppendNumber(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("Nan");
  } else if (std::isinf(value)) {
    out->append(value < 0 ? "-Inf" : "+Inf");
  } else {
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%.*g",
                                std::numeric_limits<double>::max_digits10 - 1, value);
    out->append(buf, static_cast<size_t>(n));
  }
}

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

// A family's first chunk grows as a string does (most families of a /probe
// answer hold one line); once it passes this size, the text goes on in new
// chunks reserved at this size: no copies as a large scrape grows, and at
// most one chunk of slack per family.
constexpr size_t kChunkBytes = 64 * 1024;

// SampleLine is the writer of one exposition line: name, labels (the pairs
// given, then any extra), value.
class SampleLine {
 public:
  SampleLine(std::string* out, std::string_view name, std::string_view suffix = {}) : out_(out) {
    out_->append(name).append(suffix);
  }
  template <typename Pairs>
  SampleLine& Labels(const Pairs& pairs) {
    for (const auto& label : pairs) Label(label.first, label.second);
    return *this;
  }
  SampleLine& Label(std::string_view name, std::string_view value) {
    out_->push_back(first_ ? '{' : ',');
    first_ = false;
    out_->append(name).append("=\"");
    AppendEscaped(value, out_);
    out_->push_back('"');
    return *this;
  }
  void Value(double value) {
    Close();
    AppendNumber(value, out_);
    out_->push_back('\n');
  }
  void Count(uint64_t count) {
    Close();
    out_->append(std::to_string(count)).push_back('\n');
  }

 private:
  void Close() { out_->append(first_ ? " " : "} "); }
  std::string* out_;
  bool first_ = true;
};

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

FamilySet::Family& FamilySet::FamilyFor(std::string_view name, std::string_view help,
                                        prometheus::MetricType type) {
  auto it = index_.find(std::string(name));
  if (it != index_.end()) return families_[it->second];
  index_.emplace(std::string(name), families_.size());
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
                           double value) {
  Family& f = FamilyFor(name, help, prometheus::MetricType::Counter);
  SampleLine(&line_, f.name).Labels(labels).Value(value);
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

std::string FamilySet::Header(const Family& family) {
  std::string out;
  if (!family.help.empty()) {
    out.append("# HELP ").append(family.name).append(" ").append(family.help).append("\n");
  }
  out.append("# TYPE ").append(family.name).append(" ").append(TypeName(family.type)).append("\n");
  return out;
}

std::string FamilySet::Serialize() const {
  size_t size = 0;
  for (const Family& f : families_) {
    size += Header(f).size();
    for (const std::string& chunk : f.chunks) size += chunk.size();
  }
  std::string body;
  body.reserve(size);
  for (const Family& f : families_) {
    body.append(Header(f));
    for (const std::string& chunk : f.chunks) body.append(chunk);
  }
  return body;
}

std::vector<std::string> FamilySet::TakeExposition() && {
  std::vector<std::string> pieces;
  for (Family& f : families_) {
    pieces.push_back(Header(f));
    for (std::string& chunk : f.chunks) pieces.push_back(std::move(chunk));
  }
  families_.clear();
  index_.clear();
  return pieces;
}

}  // namespace outage
