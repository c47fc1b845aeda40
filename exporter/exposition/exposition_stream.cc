// See exposition_stream.h.
#include "exporter/exposition/exposition_stream.h"

#include <unordered_map>
#include <utility>

#include "exporter/exposition/exposition_text.h"

namespace outage {
namespace {

// FamilyIndex records which families a section writes, in first-seen order,
// without writing any text.
class FamilyIndex : public SampleSink {
 public:
  struct Seen {
    std::string name;
    std::string help;
    prometheus::MetricType type;
  };

  void AddGauge(std::string_view name, std::string_view help, const LabelPairs&, double) override {
    See(name, help, prometheus::MetricType::Gauge);
  }
  void AddGauge(std::string_view name, std::string_view help, const LabelPairs&, std::string_view,
                std::string_view, double) override {
    See(name, help, prometheus::MetricType::Gauge);
  }
  void AddCounter(std::string_view name, std::string_view help, const LabelPairs&, double,
                  std::string_view, std::string_view) override {
    See(name, help, prometheus::MetricType::Counter);
  }
  void AddHistogram(std::string_view name, std::string_view help, const LabelPairs&,
                    const HistogramView&, std::string_view, std::string_view) override {
    See(name, help, prometheus::MetricType::Histogram);
  }

  std::vector<Seen>& seen() { return seen_; }

 private:
  void See(std::string_view name, std::string_view help, prometheus::MetricType type) {
    if (name == last_) return;  // most calls repeat the family just seen
    last_ = name;
    if (names_.emplace(std::string(name), seen_.size()).second) {
      seen_.push_back(Seen{std::string(name), std::string(help), type});
    }
  }

  std::string last_;
  std::unordered_map<std::string, size_t> names_;
  std::vector<Seen> seen_;
};

// FamilyWriter writes the lines of one family and drops every other sample.
class FamilyWriter : public SampleSink {
 public:
  FamilyWriter(std::string_view family, std::string* out) : family_(family), out_(out) {}

  void AddGauge(std::string_view name, std::string_view, const LabelPairs& labels,
                double value) override {
    if (name == family_) SampleLine(out_, name).Labels(labels).Value(value);
  }
  void AddGauge(std::string_view name, std::string_view, const LabelPairs& labels,
                std::string_view extra_name, std::string_view extra_value, double value) override {
    if (name == family_) {
      SampleLine(out_, name).Labels(labels).Label(extra_name, extra_value).Value(value);
    }
  }
  void AddCounter(std::string_view name, std::string_view, const LabelPairs& labels, double value,
                  std::string_view extra_name, std::string_view extra_value) override {
    if (name == family_) {
      SampleLine(out_, name).Labels(labels).OptionalLabel(extra_name, extra_value).Value(value);
    }
  }
  void AddHistogram(std::string_view name, std::string_view, const LabelPairs& labels,
                    const HistogramView& histogram, std::string_view extra_name,
                    std::string_view extra_value) override {
    if (name == family_) {
      AppendHistogramLines(name, labels, extra_name, extra_value, histogram, out_);
    }
  }

 private:
  std::string_view family_;
  std::string* out_;
};

}  // namespace

ExpositionStream::ExpositionStream(size_t targets, std::vector<TargetSection> sections,
                                   FamilySet tail)
    : targets_(targets), sections_(std::move(sections)), tail_(std::move(tail)) {
  // One pass without text finds the families: which exist depends on the
  // probers and on what each probe found.
  std::unordered_map<std::string, size_t> index;
  for (size_t s = 0; s < sections_.size(); ++s) {
    FamilyIndex seen;
    for (size_t i = 0; i < targets_; ++i) sections_[s](i, &seen);
    for (FamilyIndex::Seen& f : seen.seen()) {
      auto [it, added] = index.emplace(f.name, families_.size());
      if (added) {
        families_.push_back(Family{std::move(f.name), std::move(f.help), f.type, {}});
      }
      families_[it->second].sections.push_back(s);
    }
  }
}

void ExpositionStream::WriteFamilyPart(std::string* out, size_t limit) {
  const Family& f = families_[family_];
  if (!header_written_) {
    AppendFamilyHeader(f.name, f.help, f.type, out);
    header_written_ = true;
  }
  FamilyWriter writer(f.name, out);
  while (section_ < f.sections.size() && out->size() < limit) {
    sections_[f.sections[section_]](target_, &writer);
    if (++target_ == targets_) {
      target_ = 0;
      ++section_;
    }
  }
  if (section_ == f.sections.size()) {
    ++family_;
    section_ = 0;
    header_written_ = false;
  }
}

bool ExpositionStream::Next(std::string* out) {
  const size_t start = out->size();
  const size_t limit = start + kSliceBytes;
  while (out->size() < limit && family_ < families_.size()) WriteFamilyPart(out, limit);
  if (out->size() < limit && family_ == families_.size() && !tail_written_) {
    out->append(tail_.Serialize());
    tail_written_ = true;
    tail_ = FamilySet();
  }
  return out->size() > start;
}

}  // namespace outage
