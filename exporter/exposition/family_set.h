// FamilySet collects samples into metric families by name, keeping the order
// in which families first appear, and renders the text exposition format.
// Each sample is written as its exposition line when it is added, at the end
// of one text buffer; a family keeps the spans of that buffer that are its
// own, so a /probe answer costs a handful of allocations, not a few per
// family. It serves answers of bounded size: a /probe answer and the families
// of /metrics that do not grow with the number of targets (a large scrape's
// per-target families are streamed by ExpositionStream instead).
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
  FamilySet();

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
  static constexpr size_t kNone = static_cast<size_t>(-1);
  // A family's name and help are in names_; its samples are a chain of
  // spans of text_, in the order added.
  struct Family {
    size_t name_at;
    size_t name_size;
    size_t help_size;  // the help follows the name in names_
    prometheus::MetricType type;
    size_t first_span = kNone;
    size_t last_span = kNone;
  };
  struct Span {
    size_t at;
    size_t size;
    size_t next = kNone;
  };

  std::string_view NameOf(const Family& f) const {
    return {names_.data() + f.name_at, f.name_size};
  }
  std::string_view HelpOf(const Family& f) const {
    return {names_.data() + f.name_at + f.name_size, f.help_size};
  }
  // FamilyFor returns the family called `name`, added with `help` and `type`
  // when it is new. The reference lasts until the next FamilyFor.
  Family& FamilyFor(std::string_view name, std::string_view help, prometheus::MetricType type);
  // Added gives `family` the text from `start` to the end of text_: the
  // samples just written.
  void Added(Family* family, size_t start);

  std::vector<Family> families_;
  std::vector<Span> spans_;
  std::string names_;  // every family's name then help
  std::string text_;   // every sample line, in the order added
};

}  // namespace outage
