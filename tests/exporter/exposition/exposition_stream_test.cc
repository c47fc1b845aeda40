// Tests for ExpositionStream: the same text as FamilySet, in bounded slices.
#include "exporter/exposition/exposition_stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/exporter/promtool.h"

namespace outage {
namespace {

// Sections for `targets` targets: a probe-like section whose families
// depend on the target (odd targets have one more), and a stats-like one
// with a counter and a histogram.
std::vector<ExpositionStream::TargetSection> Sections() {
  static const std::vector<double> kBounds = {0.1, 1};
  static const std::vector<uint64_t> kCounts = {1, 2, 0};
  return {[](size_t i, SampleSink* out) {
            const LabelPairs labels = {{"target", "t" + std::to_string(i)}};
            out->AddGauge("probe_success", "Success.", labels, i % 3 == 0 ? 0 : 1);
            if (i % 2 == 1) out->AddGauge("probe_odd", "Only odd targets.", labels, 1);
            for (const char* phase : {"connect", "transfer"}) {
              out->AddGauge("probe_phase_seconds", "Phases.", labels, "phase", phase, 0.25);
            }
          },
          [](size_t i, SampleSink* out) {
            const LabelPairs labels = {{"target", "t" + std::to_string(i)}};
            out->AddCounter("probes_total", "Probes.", labels, static_cast<double>(i));
            out->AddHistogram("probe_seconds", "Durations.", labels,
                              HistogramView{kBounds, kCounts, 1.5, 3}, "phase", "all");
          }};
}

FamilySet Tail() {
  FamilySet tail;
  tail.AddGauge("exporter_up", "Tail family.", {}, 1);
  return tail;
}

std::string ReadAll(ExpositionStream* stream, size_t* slices, size_t* largest) {
  std::string body;
  std::string slice;
  *slices = 0;
  *largest = 0;
  while (stream->Next(&slice)) {
    ++*slices;
    *largest = std::max(*largest, slice.size());
    body += slice;
    slice.clear();
  }
  return body;
}

TEST(ExpositionStreamTest, WritesWhatAFamilySetWouldSectionBySection) {
  constexpr size_t kTargets = 5;
  FamilySet whole;
  for (const auto& section : Sections()) {
    for (size_t i = 0; i < kTargets; ++i) section(i, &whole);
  }
  whole.AddGauge("exporter_up", "Tail family.", {}, 1);

  ExpositionStream stream(kTargets, Sections(), Tail());
  size_t slices = 0;
  size_t largest = 0;
  EXPECT_EQ(ReadAll(&stream, &slices, &largest), whole.Serialize());
  std::string after;
  EXPECT_FALSE(stream.Next(&after));
  EXPECT_EQ(after, "");
}

TEST(ExpositionStreamTest, ALargeBodyComesInBoundedSlicesAndPassesPromtool) {
  constexpr size_t kTargets = 20000;
  ExpositionStream stream(kTargets, Sections(), Tail());
  size_t slices = 0;
  size_t largest = 0;
  const std::string body = ReadAll(&stream, &slices, &largest);
  EXPECT_GT(body.size(), 4 * ExpositionStream::kSliceBytes);
  EXPECT_GE(slices, body.size() / (ExpositionStream::kSliceBytes + 1024));
  // A slice stops at the first target past the limit: one target's lines of
  // one family (here under 1 KiB) is the most it can overrun.
  EXPECT_LE(largest, ExpositionStream::kSliceBytes + 1024);
  EXPECT_EQ(PromtoolCheckMetrics(body), 0);
}

TEST(ExpositionStreamTest, NoTargetsIsTheTailAlone) {
  ExpositionStream stream(0, Sections(), Tail());
  size_t slices = 0;
  size_t largest = 0;
  EXPECT_EQ(ReadAll(&stream, &slices, &largest), Tail().Serialize());
}

}  // namespace
}  // namespace outage
