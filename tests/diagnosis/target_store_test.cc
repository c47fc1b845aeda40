// Tests for TargetStore: its Sync maps every part of a target's record from
// one config to the next (kept, created, dropped, restarted), and an unknown
// target is never given a record.
#include "diagnosis/target_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/configured_target.h"

namespace outage {
namespace {

using test::ConfiguredTarget;
using test::ConfigWith;

const Target kA = ConfiguredTarget("https://a.example/", "http_2xx", {{"team", "edge"}});
const Target kB = ConfiguredTarget("https://b.example/");

class TargetStoreTest : public ::testing::Test {
 protected:
  // Fill gives every part of `t`'s record a value a new record lacks.
  void Fill(const Target& t) {
    ASSERT_TRUE(store_.Update(t, [&](TargetRecord& r) {
      r.counts.probes = 3;
      r.counts.failures[static_cast<size_t>(FailureReason::kDns)] = 2;
      r.counts.duration.counts[0] = 3;
      r.counts.duration.count = 3;
      r.counts.phases.emplace("connect", NewProbeHistogram(store_.histogram_buckets()));
      auto latest = std::make_shared<ProbeRecord>();
      latest->id = 7;
      r.trend.latest = std::move(latest);
      r.trend.ring = {TrendPoint{0.1, true}};
      Hysteresis fast;
      fast.failure_threshold = 1;
      r.state.Observe(ProbeOutcome::kFailure, fast, clock_.Now());
      r.vendor_confirmed = true;
      r.maintenance_active = true;
      std::promise<ProbeResult> result;
      result.set_value(ProbeResult());
      r.shared.result = result.get_future().share();
      r.shared.started = clock_.Now();
      r.latency_before = 0.25;
    }));
  }

  // Read copies what `t`'s record holds; nullopt when the store has none.
  struct Seen {
    uint64_t probes = 0;
    uint64_t dns_failures = 0;
    uint64_t duration_count = 0;
    size_t duration_buckets = 0;
    size_t phases = 0;
    LabelPairs labels;
    uint64_t latest_id = 0;
    size_t trend_points = 0;
    OutageState state = OutageState::kUnknown;
    bool vendor_confirmed = false;
    bool maintenance_active = false;
    bool shared_result = false;
    bool started = false;
    std::optional<double> latency_before;
  };
  std::optional<Seen> Read(const Target& t) const {
    std::optional<Seen> seen;
    store_.Read(t, [&](const TargetRecord& r) {
      Seen s;
      s.probes = r.counts.probes;
      s.dns_failures = r.counts.failures[static_cast<size_t>(FailureReason::kDns)];
      s.duration_count = r.counts.duration.count;
      s.duration_buckets = r.counts.duration.counts.size();
      s.phases = r.counts.phases.size();
      s.labels = r.counts.labels;
      s.latest_id = r.trend.latest ? r.trend.latest->id : 0;
      s.trend_points = r.trend.ring.size();
      s.state = r.state.state();
      s.vendor_confirmed = r.vendor_confirmed;
      s.maintenance_active = r.maintenance_active;
      s.shared_result = r.shared.result.valid();
      s.started = r.shared.started.has_value();
      s.latency_before = r.latency_before;
      seen = s;
    });
    return seen;
  }

  // FilledThenSynced fills kA's record under a config of kA and kB, syncs
  // `next` a minute later and reads `target`'s record.
  std::optional<Seen> FilledThenSynced(const Target& target, const Config& next) {
    store_.Sync(ConfigWith({kA, kB}));
    Fill(kA);
    clock_.Advance(std::chrono::seconds(60));
    store_.Sync(next);
    return Read(target);
  }

  // ExpectCounts checks the counters (`probes`, two of them dns failures
  // when any) and the histograms (`observed`, in `phases` phases).
  static void ExpectCounts(const Seen& s, uint64_t probes, uint64_t observed, size_t phases) {
    EXPECT_EQ(s.probes, probes);
    EXPECT_EQ(s.dns_failures, probes == 0 ? 0u : 2u);
    EXPECT_EQ(s.duration_count, observed);
    EXPECT_EQ(s.phases, phases);
  }

  // ExpectParts checks every part but the counts: as Fill left them
  // (`filled`) or as a new record has them.
  static void ExpectParts(const Seen& s, bool filled) {
    EXPECT_EQ(s.latest_id, filled ? 7u : 0u);
    EXPECT_EQ(s.trend_points, filled ? 1u : 0u);
    EXPECT_EQ(s.state, filled ? OutageState::kDown : OutageState::kUnknown);
    EXPECT_EQ(s.vendor_confirmed, filled);
    EXPECT_EQ(s.maintenance_active, filled);
    EXPECT_EQ(s.shared_result, filled);
    EXPECT_EQ(s.started, filled);
    EXPECT_EQ(s.latency_before, filled ? std::optional<double>(0.25) : std::nullopt);
  }

  static void ExpectNew(const Seen& s) {
    ExpectCounts(s, 0, 0, 0);
    ExpectParts(s, false);
  }

  FakeClock clock_;
  TargetStore store_{&clock_};
};

TEST_F(TargetStoreTest, ANewTargetStartsUnknownWithZeroedCounts) {
  store_.Sync(ConfigWith({kA}));
  const auto a = Read(kA);
  ASSERT_TRUE(a.has_value());
  ExpectNew(*a);
  EXPECT_EQ(a->labels, kA.labels);
  EXPECT_EQ(a->duration_buckets, DefaultHistogramBuckets().size() + 1);
}

TEST_F(TargetStoreTest, AKeptTargetKeepsEveryPartOfItsRecord) {
  // Reordered, one added.
  const auto a = FilledThenSynced(kA, ConfigWith({ConfiguredTarget("https://new.example/"), kA}));
  ASSERT_TRUE(a.has_value());
  ExpectParts(*a, true);
  ExpectCounts(*a, 3, 3, 1);
}

TEST_F(TargetStoreTest, ARemovedTargetLosesEveryPartOfItsRecord) {
  EXPECT_FALSE(FilledThenSynced(kA, ConfigWith({kB})).has_value());
  EXPECT_FALSE(store_.Update(kA, [](TargetRecord&) { ADD_FAILURE() << "no record to update"; }));
  store_.Sync(ConfigWith({kA, kB}));  // back again: nothing of before
  const auto a = Read(kA);
  ASSERT_TRUE(a.has_value());
  ExpectNew(*a);
}

TEST_F(TargetStoreTest, ChangedLabelsRestartTheCountsAndKeepTheRest) {
  const Target relabelled = ConfiguredTarget(kA.target, kA.module, {{"team", "core"}});
  ASSERT_EQ(relabelled.identity.key, kA.identity.key);
  const auto a = FilledThenSynced(relabelled, ConfigWith({relabelled}));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->labels, relabelled.labels);
  ExpectCounts(*a, 0, 0, 0);
  ExpectParts(*a, true);
}

TEST_F(TargetStoreTest, AnotherModuleIsAnotherTarget) {
  const Target other = ConfiguredTarget(kA.target, "http_post", kA.labels);
  const auto o = FilledThenSynced(other, ConfigWith({other}));
  EXPECT_FALSE(Read(kA).has_value());
  ASSERT_TRUE(o.has_value());
  ExpectNew(*o);
}

TEST_F(TargetStoreTest, ChangedBucketsRestartHistogramsAndKeepCounters) {
  Config config = ConfigWith({kA});
  config.global.histogram_buckets = {0.1, 1};
  const auto a = FilledThenSynced(kA, config);
  ASSERT_TRUE(a.has_value());
  ExpectCounts(*a, 3, 0, 0);
  EXPECT_EQ(a->duration_buckets, 3u);
  ExpectParts(*a, true);
  store_.Read(kA, [&](const TargetRecord&) {
    EXPECT_EQ(store_.histogram_buckets(), config.global.histogram_buckets);
  });
}

TEST_F(TargetStoreTest, NoTargetHasARecordBeforeTheFirstSync) {
  EXPECT_FALSE(store_.Update(kA, [](TargetRecord&) { ADD_FAILURE(); }));
  EXPECT_FALSE(store_.Read(kA, [](const TargetRecord&) { ADD_FAILURE(); }));
  int records = 0;
  store_.ReadAll([&](const TargetRecord&) { ++records; });
  EXPECT_EQ(records, 0);
}

TEST_F(TargetStoreTest, ReadAllSeesEveryRecordOnce) {
  store_.Sync(ConfigWith({kA, kB}));
  int records = 0;
  store_.ReadAll([&](const TargetRecord&) { ++records; });
  EXPECT_EQ(records, 2);
}

// Scrapes and reloads reach the store at once (run it under
// `make test-tsan` to check the locking).
TEST_F(TargetStoreTest, ConcurrentUpdatesAndSyncs) {
  const Config both = ConfigWith({kA, kB});
  const Config one = ConfigWith({kB});
  store_.Sync(both);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 2000; ++i) {
        store_.Update(i % 2 == 0 ? kA : kB, [](TargetRecord& r) { ++r.counts.probes; });
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 200; ++i) store_.Sync(i % 2 == 0 ? one : both);
  });
  for (std::thread& t : threads) t.join();
  const auto b = Read(kB);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->probes, 3000u) << "a kept target loses no update";
}

}  // namespace
}  // namespace outage
