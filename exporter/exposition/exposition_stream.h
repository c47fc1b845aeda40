// ExpositionStream: a /metrics body produced in slices, family by family,
// so that a scrape of thousands of targets is never held whole in memory.
// The exposition format wants every series of a family together under one
// HELP/TYPE, while the data is per target (a probe result, its counters, its
// diagnosis); so each slice runs the per-target writers again for the family
// being written and keeps only that family's lines. Writers stay generic: a
// prober's new sample becomes a family here without this file knowing it.
//
// Not thread-safe: one caller at a time (the listener asks for one slice at
// a time). The sections' data must outlive the stream.
#pragma once

#include <prometheus/metric_type.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "exporter/exposition/family_set.h"
#include "exporter/exposition/sample_sink.h"

namespace outage {

class ExpositionStream {
 public:
  // A TargetSection writes every series one source has for target `i`
  // (0 <= i < targets); it may be called once per family it writes.
  using TargetSection = std::function<void(size_t i, SampleSink* out)>;

  // The body is every family the sections write, in the order they first
  // appear (section by section, target by target), each with its header and
  // then its series target by target; then `tail`, whose families must not
  // share a name with the sections' families.
  ExpositionStream(size_t targets, std::vector<TargetSection> sections, FamilySet tail);

  // Next appends the next slice, about kSliceBytes (more when one target's
  // series of a family are longer), to *out; false when nothing was left.
  bool Next(std::string* out);

  static constexpr size_t kSliceBytes = 128 * 1024;

 private:
  struct Family {
    std::string name;
    std::string help;
    prometheus::MetricType type;
    std::vector<size_t> sections;  // the sections that write it
  };
  // WriteFamilyPart appends the current family's series up to a slice's worth.
  void WriteFamilyPart(std::string* out, size_t limit);

  size_t targets_;
  std::vector<TargetSection> sections_;
  FamilySet tail_;
  std::vector<Family> families_;

  // Where the next slice starts.
  size_t family_ = 0;
  size_t section_ = 0;  // index into families_[family_].sections
  size_t target_ = 0;
  bool header_written_ = false;
  bool tail_written_ = false;
};

}  // namespace outage
