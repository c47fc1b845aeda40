// Tests for TargetStats: the histograms and counters that outlive a scrape.
#include "exporter/state/target_stats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "diagnosis/clock.h"
#include "diagnosis/target_store.h"
#include "exporter/exposition/family_set.h"
#include "exporter/exposition/probe_output.h"
#include "tests/support/configured_target.h"
#include "tests/support/metrics_text.h"

namespace outage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using test::ConfiguredTarget;
using test::ConfigWith;

const Target kA = ConfiguredTarget("https://a.example", "http_2xx", {{"team", "edge"}});
const Target kB = ConfiguredTarget("https://b.example", "http_2xx");

// Series is one histogram or counter series as the exposition shows it.
struct Series {
  test::Labels labels;
  double value = 0;                           // a counter's value
  double count = 0;                           // a histogram's _count
  double sum = 0;                             // ... _sum
  std::vector<std::pair<double, double>> le;  // ... cumulative buckets, without +Inf
};

std::string Label(const Series& m, const std::string& name) {
  auto it = m.labels.find(name);
  return it == m.labels.end() ? "<absent>" : it->second;
}

std::string Exposition(const TargetStats& stats, const std::vector<Target>& targets) {
  FamilySet set;
  for (const Target& t : targets) stats.Write(t, &set);
  return set.Serialize();
}

// Metrics returns the series of family `name` whose target label is `target`,
// as TargetStats writes them for the targets given.
std::vector<Series> Metrics(const TargetStats& stats, const std::string& name,
                            const std::string& target, const std::vector<Target>& targets) {
  const test::MetricsText text = test::MetricsText::Parse(Exposition(stats, targets));
  EXPECT_TRUE(text.errors().empty());
  std::map<test::Labels, Series> by_labels;
  for (const test::Sample& s : text.samples()) {
    std::string suffix;
    if (s.name != name) {
      if (s.name.rfind(name + "_", 0) != 0) continue;
      suffix = s.name.substr(name.size() + 1);
    }
    auto it = s.labels.find("target");
    if (it == s.labels.end() || it->second != target) continue;
    test::Labels labels = s.labels;
    const std::string le = labels.count("le") != 0 ? labels["le"] : "";
    labels.erase("le");
    Series& series = by_labels[labels];
    series.labels = labels;
    if (suffix.empty()) series.value = s.value;
    if (suffix == "count") series.count = s.value;
    if (suffix == "sum") series.sum = s.value;
    if (suffix == "bucket" && le != "+Inf") series.le.emplace_back(std::stod(le), s.value);
  }
  std::vector<Series> out;
  for (auto& [labels, series] : by_labels) out.push_back(std::move(series));
  return out;
}

std::vector<Series> Metrics(const TargetStats& stats, const std::string& name,
                            const std::string& target) {
  return Metrics(stats, name, target, {kA, kB, ConfiguredTarget(kA.target, "http_post")});
}

double Probes(const TargetStats& s, const Target& t) {
  const auto m = Metrics(s, "outage_probes_total", t.target, {t});
  EXPECT_THAT(m, SizeIs(1));
  return m.empty() ? -1 : m[0].value;
}

std::map<std::string, double> Failures(const TargetStats& s, const Target& t) {
  std::map<std::string, double> out;
  for (const auto& m : Metrics(s, "outage_probe_failures_total", t.target, {t})) {
    out[Label(m, "reason")] = m.value;
  }
  return out;
}

Series Duration(const TargetStats& s, const Target& t) {
  const auto m = Metrics(s, "outage_probe_duration_seconds", t.target, {t});
  EXPECT_THAT(m, SizeIs(1));
  return m.empty() ? Series{} : m[0];
}

ProbeResult Result(bool success, FailureReason reason, double seconds,
                   std::vector<PhaseTiming> phases = {}) {
  ProbeResult r;
  r.success = success;
  r.reason = reason;
  r.duration_seconds = seconds;
  r.phases = std::move(phases);
  return r;
}

// TargetStatsTest keeps the stats over a store of their own, synced as a
// reload would.
class TargetStatsTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  TargetStore store_{&clock_};
  TargetStats stats_{&store_};
};

TEST_F(TargetStatsTest, SyncAddsZeroedSeriesForEachTarget) {
  store_.Sync(ConfigWith({kA, kB}));
  for (const Target& t : {kA, kB}) {
    SCOPED_TRACE(t.target);
    EXPECT_EQ(Probes(stats_, t), 0);
    const auto failures = Failures(stats_, t);
    EXPECT_THAT(failures, SizeIs(11));
    EXPECT_EQ(failures.count("none"), 0u);
    for (FailureReason r : kAllFailureReasons) {
      if (r == FailureReason::kNone) continue;
      EXPECT_EQ(failures.count(std::string(FailureReasonName(r))), 1u) << FailureReasonName(r);
    }
    for (const auto& [reason, value] : failures) EXPECT_EQ(value, 0) << reason;
    const auto h = Duration(stats_, t);
    EXPECT_EQ(h.count, 0);
    EXPECT_THAT(h.le, SizeIs(DefaultHistogramBuckets().size()));  // and the +Inf bucket
  }
  EXPECT_THAT(Metrics(stats_, "outage_probe_phase_duration_seconds", kA.target), IsEmpty());
}

TEST_F(TargetStatsTest, SeriesCarryTargetModuleAndOwnLabels) {
  store_.Sync(ConfigWith({kA}));
  const auto m = Metrics(stats_, "outage_probes_total", kA.target);
  ASSERT_THAT(m, SizeIs(1));
  EXPECT_EQ(Label(m[0], "module"), "http_2xx");
  EXPECT_EQ(Label(m[0], "team"), "edge");
}

TEST_F(TargetStatsTest, RecordCountsProbesAndTheFailureReason) {
  store_.Sync(ConfigWith({kA, kB}));
  stats_.Record(kA, Result(false, FailureReason::kDns, 0.1));
  stats_.Record(kA, Result(false, FailureReason::kHttp5xx, 0.1));
  stats_.Record(kA, Result(false, FailureReason::kDns, 0.1));
  stats_.Record(kA, Result(true, FailureReason::kNone, 0.1));

  EXPECT_EQ(Probes(stats_, kA), 4);
  const auto failures = Failures(stats_, kA);
  for (const auto& [reason, value] : failures) {
    const double want = reason == "dns" ? 2 : reason == "http_5xx" ? 1 : 0;
    EXPECT_EQ(value, want) << reason;
  }
  // The other target is untouched.
  EXPECT_EQ(Probes(stats_, kB), 0);
  for (const auto& [reason, value] : Failures(stats_, kB)) EXPECT_EQ(value, 0) << reason;
}

TEST_F(TargetStatsTest, DurationObservationsLandInTheRightBuckets) {
  store_.Sync(ConfigWith({kA}));
  stats_.Record(kA, Result(true, FailureReason::kNone, 0.2));
  stats_.Record(kA, Result(true, FailureReason::kNone, 3.0));
  const auto h = Duration(stats_, kA);
  EXPECT_EQ(h.count, 2);
  EXPECT_DOUBLE_EQ(h.sum, 3.2);
  for (const auto& [le, count] : h.le) {
    const double want = le < 0.2 ? 0 : le < 3.0 ? 1 : 2;
    EXPECT_EQ(count, want) << "le=" << le;
  }
}

TEST_F(TargetStatsTest, PhaseHistogramsAreCreatedOnFirstUse) {
  store_.Sync(ConfigWith({kA}));
  stats_.Record(kA,
                Result(true, FailureReason::kNone, 0.3, {{"resolve", 0.01}, {"connect", 0.02}}));
  stats_.Record(kA, Result(true, FailureReason::kNone, 0.3, {{"resolve", 0.03}}));
  std::map<std::string, Series> phases;
  for (const auto& m : Metrics(stats_, "outage_probe_phase_duration_seconds", kA.target)) {
    EXPECT_EQ(Label(m, "module"), "http_2xx");
    phases[Label(m, "phase")] = m;
  }
  ASSERT_THAT(phases, SizeIs(2));
  EXPECT_EQ(phases["resolve"].count, 2);
  EXPECT_DOUBLE_EQ(phases["resolve"].sum, 0.04);
  EXPECT_EQ(phases["connect"].count, 1);
}

TEST_F(TargetStatsTest, SyncWithTheSameConfigKeepsCounts) {
  const Config config = ConfigWith({kA});
  store_.Sync(config);
  stats_.Record(kA, Result(false, FailureReason::kTimeout, 1, {{"connect", 0.5}}));
  store_.Sync(config);
  EXPECT_EQ(Probes(stats_, kA), 1);
  EXPECT_EQ(Failures(stats_, kA)["timeout"], 1);
  EXPECT_EQ(Duration(stats_, kA).count, 1);
  EXPECT_THAT(Metrics(stats_, "outage_probe_phase_duration_seconds", kA.target), SizeIs(1));
}

TEST_F(TargetStatsTest, SyncWithATargetRemovedDropsAllItsSeries) {
  store_.Sync(ConfigWith({kA, kB}));
  stats_.Record(kA, Result(true, FailureReason::kNone, 0.1, {{"resolve", 0.01}}));
  stats_.Record(kB, Result(false, FailureReason::kTls, 0.1));
  store_.Sync(ConfigWith({kB}));
  for (const char* family :
       {"outage_probes_total", "outage_probe_failures_total", "outage_probe_duration_seconds",
        "outage_probe_phase_duration_seconds"}) {
    EXPECT_THAT(Metrics(stats_, family, kA.target), IsEmpty()) << family;
  }
  EXPECT_EQ(Probes(stats_, kB), 1);
  EXPECT_EQ(Failures(stats_, kB)["tls"], 1);
}

TEST_F(TargetStatsTest, ChangedTargetLabelsReplaceTheSeries) {
  store_.Sync(ConfigWith({kA}));
  stats_.Record(kA, Result(true, FailureReason::kNone, 0.1));
  const Target relabelled = ConfiguredTarget(kA.target, kA.module, {{"team", "core"}});
  store_.Sync(ConfigWith({relabelled}));
  const auto m = Metrics(stats_, "outage_probes_total", kA.target, {relabelled});
  ASSERT_THAT(m, SizeIs(1));
  EXPECT_EQ(Label(m[0], "team"), "core");
  EXPECT_EQ(m[0].value, 0);
}

TEST_F(TargetStatsTest, SameTargetInTwoModulesIsTwoSeries) {
  const Target other_module = ConfiguredTarget(kA.target, "http_post");
  store_.Sync(ConfigWith({kA, other_module}));
  stats_.Record(other_module, Result(true, FailureReason::kNone, 0.1));
  std::map<std::string, double> by_module;
  for (const auto& m : Metrics(stats_, "outage_probes_total", kA.target)) {
    by_module[Label(m, "module")] = m.value;
  }
  EXPECT_EQ(by_module, (std::map<std::string, double>{{"http_2xx", 0}, {"http_post", 1}}));
}

TEST_F(TargetStatsTest, BucketChangeRestartsHistogramsWithTheNewBuckets) {
  store_.Sync(ConfigWith({kA}));
  stats_.Record(kA, Result(true, FailureReason::kNone, 0.2, {{"resolve", 0.01}}));

  Config config = ConfigWith({kA});
  config.global.histogram_buckets = {0.1, 1};
  store_.Sync(config);
  const auto h = Duration(stats_, kA);
  EXPECT_EQ(h.count, 0);
  ASSERT_THAT(h.le, SizeIs(2));
  EXPECT_EQ(h.le[0].first, 0.1);
  EXPECT_EQ(h.le[1].first, 1);
  EXPECT_THAT(Metrics(stats_, "outage_probe_phase_duration_seconds", kA.target), IsEmpty());

  // New phase histograms use the new buckets too.
  stats_.Record(kA, Result(true, FailureReason::kNone, 0.5, {{"resolve", 0.05}}));
  const auto phases = Metrics(stats_, "outage_probe_phase_duration_seconds", kA.target);
  ASSERT_THAT(phases, SizeIs(1));
  ASSERT_THAT(phases[0].le, SizeIs(2));
  EXPECT_EQ(phases[0].le[0].second, 1);
  const auto after = Duration(stats_, kA);
  EXPECT_EQ(after.count, 1);
  EXPECT_EQ(after.le[0].second, 0);
  EXPECT_EQ(after.le[1].second, 1);
}

TEST_F(TargetStatsTest, RecordForAnUnknownTargetIsIgnored) {
  store_.Sync(ConfigWith({kA}));
  stats_.Record(kB, Result(false, FailureReason::kDns, 0.1, {{"resolve", 0.1}}));
  EXPECT_EQ(Exposition(stats_, {kB}), "");
  EXPECT_EQ(Probes(stats_, kA), 0);
}

TEST_F(TargetStatsTest, RecordBeforeAnySyncIsIgnored) {
  stats_.Record(kA, Result(true, FailureReason::kNone, 0.1));
  EXPECT_EQ(Exposition(stats_, {kA}), "");
}

}  // namespace
}  // namespace outage
