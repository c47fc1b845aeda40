// Tests for ProbeHistory: the count bound, failures kept past it, ids that
// age out, configured targets' latest record and trend, and redaction.
#include "exporter/state/probe_history.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "collectors/metric_catalog.h"
#include "config/target_identity.h"
#include "diagnosis/clock.h"
#include "diagnosis/target_store.h"

namespace outage {
namespace {

const auto kT0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

// Configured is a configured target as the loader leaves it.
Target Configured(const std::string& target, const std::string& module) {
  Target t;
  t.target = target;
  t.module = module;
  IdentifyTarget(&t);
  return t;
}

ProbeResult Result(bool success, double seconds = 0.1) {
  ProbeResult r;
  r.success = success;
  r.reason = success ? FailureReason::kNone : FailureReason::kDns;
  r.duration_seconds = seconds;
  r.log.Info(success ? "Probe succeeded" : "Probe failed");
  return r;
}

// ProbeHistoryTest keeps configured targets' latest and trend in a store of
// its own, synced as a reload would.
class ProbeHistoryTest : public ::testing::Test {
 protected:
  void Configure(std::vector<Target> targets) {
    Config config;
    config.targets = std::move(targets);
    store_.Sync(config);
  }

  FakeClock clock_;
  TargetStore store_{&clock_};
};

TEST_F(ProbeHistoryTest, IdsIncreaseAndRecordsKeepWhatTheProbeFound) {
  ProbeHistory h(10, &store_);
  ProbeResult r = Result(false, 0.25);
  r.Add(metric::kSslEarliestCertExpiry, 1.8e9);
  EXPECT_EQ(h.Record("a.example", "dns", Result(true), kT0), 1u);
  EXPECT_EQ(h.Record("b.example", "http_2xx", r, kT0), 2u);
  auto rec = h.Get(2);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->target, "b.example");
  EXPECT_EQ(rec->module, "http_2xx");
  EXPECT_FALSE(rec->success);
  EXPECT_EQ(rec->reason, FailureReason::kDns);
  EXPECT_DOUBLE_EQ(rec->duration_seconds, 0.25);
  EXPECT_EQ(rec->cert_expiry_seconds, 1.8e9);
  EXPECT_NE(rec->log.find("msg=\"Probe failed\""), std::string::npos) << rec->log;
  EXPECT_EQ(h.Get(3), nullptr);
}

TEST_F(ProbeHistoryTest, OldSuccessesAgeOutButFailuresAreKeptLonger) {
  ProbeHistory h(3, &store_);
  h.Record("t", "m", Result(false), kT0);                             // id 1
  for (int i = 0; i < 5; ++i) h.Record("t", "m", Result(true), kT0);  // ids 2..6
  EXPECT_NE(h.Get(1), nullptr) << "the only failure is kept past the limit";
  EXPECT_EQ(h.Get(2), nullptr);
  EXPECT_EQ(h.Get(3), nullptr);
  EXPECT_NE(h.Get(4), nullptr);
  EXPECT_NE(h.Get(6), nullptr);
  const auto recent = h.Recent();
  ASSERT_EQ(recent.size(), 4u);
  EXPECT_EQ(recent.front()->id, 6u);
  EXPECT_EQ(recent.back()->id, 1u);

  for (int i = 0; i < 3; ++i) h.Record("t", "m", Result(false), kT0);  // ids 7..9
  EXPECT_EQ(h.Get(1), nullptr) << "failures have a limit of their own";
  EXPECT_EQ(h.Recent().size(), 3u);
}

TEST_F(ProbeHistoryTest, MemoryStaysBoundedUnderManyProbes) {
  ProbeHistory h(5, &store_);
  for (int i = 0; i < 10000; ++i) {
    h.Record("t" + std::to_string(i), "m", Result(i % 3 == 0), kT0);
  }
  EXPECT_LE(h.Recent().size(), 10u);
}

// Scrapes, /probe requests, page renders and reloads all touch the history
// at once (run it under `make test-tsan` to check the locking).
TEST_F(ProbeHistoryTest, ConcurrentRecordsReadsAndSyncs) {
  ProbeHistory h(20, &store_);
  std::vector<Target> targets;
  for (int i = 0; i < 10; ++i) targets.push_back(Configured("t" + std::to_string(i), "m"));
  Configure(targets);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h, &targets, t] {
      for (int i = 0; i < 500; ++i) {
        if (t % 2 == 0) {
          h.RecordConfigured(targets[i % 10], Result(i % 4 == 0), kT0);
        } else {
          h.Record(targets[i % 10].target, "m", Result(i % 4 == 0), kT0);
        }
      }
    });
  }
  threads.emplace_back([this, &h, &targets] {
    for (int i = 0; i < 500; ++i) {
      const auto recent = h.Recent();
      for (size_t k = 1; k < recent.size(); ++k) EXPECT_GT(recent[k - 1]->id, recent[k]->id);
      h.OfTarget(targets[1]);
      h.Latest("t2", "m");
      if (i % 50 == 0) Configure(i % 100 == 0 ? std::vector<Target>{} : targets);
    }
  });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(h.Record("t", "m", Result(true), kT0), 2001u) << "no id was lost or repeated";
  EXPECT_LE(h.Recent().size(), 40u);
}

TEST_F(ProbeHistoryTest, HugeLogsAreCutOnALineBoundary) {
  ProbeHistory h(2, &store_);
  ProbeResult r = Result(false);
  for (size_t i = 0; i < ProbeLog::kMaxLines; ++i) r.log.Info(std::string(1500, 'x'));
  ASSERT_GT(r.log.Text().size(), ProbeHistory::kMaxLogBytes);
  h.Record("t", "m", r, kT0);
  const std::string& log = h.Get(1)->log;
  EXPECT_LE(log.size(), ProbeHistory::kMaxLogBytes + 100);
  EXPECT_NE(log.find("more bytes not kept in the history\n"), std::string::npos);
  const size_t note = log.rfind("... ");
  ASSERT_NE(note, std::string::npos);
  EXPECT_EQ(log[note - 1], '\n');
}

TEST_F(ProbeHistoryTest, ConfiguredTargetsKeepTheirLatestAndTrendUntilSync) {
  ProbeHistory h(2, &store_);
  const Target target = Configured("web", "http_2xx");
  Configure({target});
  for (int i = 1; i <= 50; ++i) h.RecordConfigured(target, Result(i != 50, i * 0.01), kT0);
  for (int i = 0; i < 5; ++i) h.Record("other", "m", Result(true), kT0);
  TargetHistory web = h.OfTarget(target);
  ASSERT_NE(web.latest, nullptr) << "pinned although past the limit";
  EXPECT_EQ(web.latest->id, 50u);
  EXPECT_NE(h.Get(50), nullptr);
  ASSERT_EQ(web.trend.size(), ProbeHistory::kTrendPoints);
  for (size_t i = 0; i < web.trend.size(); ++i) {  // the last 40 of 50, oldest first
    EXPECT_DOUBLE_EQ(web.trend[i].duration_seconds, static_cast<double>(i + 11) * 0.01) << i;
  }
  EXPECT_DOUBLE_EQ(web.trend.back().duration_seconds, 0.5);
  EXPECT_FALSE(web.trend.back().success);
  EXPECT_TRUE(web.trend.front().success);

  Configure({});  // "web" is no longer configured
  EXPECT_EQ(h.OfTarget(target).latest, nullptr);
  EXPECT_EQ(h.Get(49), nullptr);
  EXPECT_NE(h.Get(50), nullptr) << "still among the latest failures";
}

TEST_F(ProbeHistoryTest, LatestFindsTheNewestOfATargetAndModule) {
  ProbeHistory h(10, &store_);
  h.Record("t", "a", Result(true), kT0);
  h.Record("t", "b", Result(true), kT0);
  h.Record("t", "a", Result(false), kT0);
  h.Record("u", "a", Result(true), kT0);
  ASSERT_NE(h.Latest("t", "a"), nullptr);
  EXPECT_EQ(h.Latest("t", "a")->id, 3u);
  EXPECT_EQ(h.Latest("t", "b")->id, 2u);
  EXPECT_EQ(h.Latest("t", "c"), nullptr);
}

TEST_F(ProbeHistoryTest, PasswordsInTargetsAreNeverStored) {
  ProbeHistory h(10, &store_);
  const Target target = Configured("https://user:hunter2@example.com/", "http_2xx");
  Configure({target});
  h.RecordConfigured(target, Result(true), kT0);
  h.Record("https://user:hunter2@example.com/", "http_post", Result(true), kT0);
  for (uint64_t id : {1, 2}) {
    const auto rec = h.Get(id);
    EXPECT_EQ(rec->target, "https://user:<secret>@example.com/");
  }
  // Either spelling of the target finds it.
  EXPECT_NE(h.Latest("https://user:hunter2@example.com/", "http_2xx"), nullptr);
  EXPECT_NE(h.Latest(h.Get(1)->target, "http_2xx"), nullptr);
  EXPECT_NE(h.OfTarget(target).latest, nullptr);
}

// Two configured targets that differ only in their URL password look alike
// once redacted; each keeps its own latest probe and trend.
TEST_F(ProbeHistoryTest, TargetsDifferingOnlyInPasswordKeepTheirOwnTrend) {
  ProbeHistory h(10, &store_);
  const Target alice = Configured("https://u:alice@example.com/", "http_2xx");
  const Target bob = Configured("https://u:bob@example.com/", "http_2xx");
  Configure({alice, bob});
  h.RecordConfigured(alice, Result(true, 0.1), kT0);
  h.RecordConfigured(bob, Result(false, 0.2), kT0);
  h.RecordConfigured(alice, Result(true, 0.3), kT0);
  ASSERT_EQ(h.OfTarget(alice).trend.size(), 2u);
  EXPECT_DOUBLE_EQ(h.OfTarget(alice).trend.back().duration_seconds, 0.3);
  ASSERT_EQ(h.OfTarget(bob).trend.size(), 1u);
  EXPECT_FALSE(h.OfTarget(bob).latest->success);
}

}  // namespace
}  // namespace outage
