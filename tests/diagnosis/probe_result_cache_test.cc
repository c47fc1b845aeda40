// Tests for ProbeResultCache: min_interval reuse and single-flight.
#include "diagnosis/probe_result_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "config/target_identity.h"
#include "diagnosis/target_store.h"

namespace outage {
namespace {

std::future<ProbeResult> Ready(double seconds) {
  std::promise<ProbeResult> p;
  ProbeResult r;
  r.success = true;
  r.duration_seconds = seconds;
  p.set_value(r);
  return p.get_future();
}

Target WithMinInterval(int seconds) {
  Target t;
  t.target = "https://open.spotify.com/";
  t.module = "http_2xx";
  t.min_interval = std::chrono::seconds(seconds);
  IdentifyTarget(&t);
  return t;
}

// ProbeResultCacheTest keeps results in a store of its own, synced as a
// reload would.
class ProbeResultCacheTest : public ::testing::Test {
 protected:
  // Configured is a target with `min_interval_seconds`, the only one the
  // store knows.
  Target Configured(int min_interval_seconds) {
    Config config;
    config.targets = {WithMinInterval(min_interval_seconds)};
    store_.Sync(config);
    return config.targets[0];
  }

  FakeClock clock_;
  TargetStore store_{&clock_};
  ProbeResultCache cache_{&clock_, &store_};
};

TEST_F(ProbeResultCacheTest, ReusesAResultYoungerThanMinInterval) {
  const Target t = Configured(30);
  int starts = 0;
  auto start = [&] { return Ready(++starts); };
  auto first = cache_.Acquire(t, start);
  EXPECT_TRUE(first.fresh);
  EXPECT_FALSE(first.own.valid()) << "a result others may share is not the caller's own";
  EXPECT_EQ(first.Take().duration_seconds, 1) << "taking it leaves it to the next scrape";
  const WallTime first_run = clock_.Now();
  clock_.Advance(std::chrono::seconds(29));
  auto second = cache_.Acquire(t, start);
  EXPECT_FALSE(second.fresh);
  EXPECT_EQ(second.Take().duration_seconds, 1);
  EXPECT_EQ(cache_.LastRun(t), first_run);
  clock_.Advance(std::chrono::seconds(1));
  auto third = cache_.Acquire(t, start);
  EXPECT_TRUE(third.fresh);
  EXPECT_EQ(third.Take().duration_seconds, 2);
  EXPECT_EQ(cache_.LastRun(t), clock_.Now());
}

TEST_F(ProbeResultCacheTest, WithoutMinIntervalEveryScrapeProbes) {
  const Target t = Configured(0);
  int starts = 0;
  auto start = [&] { return Ready(++starts); };
  EXPECT_TRUE(cache_.Acquire(t, start).fresh);
  EXPECT_TRUE(cache_.Acquire(t, start).fresh);
  EXPECT_EQ(starts, 2);
  EXPECT_EQ(cache_.LastRun(t), clock_.Now());
}

// A result nobody else may share is the caller's own: Take moves it out
// and the cache keeps nothing of it.
TEST_F(ProbeResultCacheTest, WithoutMinIntervalTheResultIsTheCallersOwn) {
  auto lease = cache_.Acquire(Configured(0), [] { return Ready(3); });
  EXPECT_TRUE(lease.own.valid());
  EXPECT_FALSE(lease.shared.valid());
  EXPECT_EQ(lease.Take().duration_seconds, 3);
}

TEST_F(ProbeResultCacheTest, JoinsAProbeStillRunning) {
  const Target t = Configured(5);
  std::promise<ProbeResult> running;
  int starts = 0;
  auto first = cache_.Acquire(t, [&] {
    ++starts;
    return running.get_future();
  });
  clock_.Advance(std::chrono::seconds(60));  // older than min_interval, but not done
  auto second = cache_.Acquire(t, [&] {
    ++starts;
    return Ready(0);
  });
  EXPECT_FALSE(second.fresh);
  EXPECT_EQ(starts, 1);
  ProbeResult r;
  r.duration_seconds = 7;
  running.set_value(r);
  EXPECT_EQ(second.Take().duration_seconds, 7);
}

TEST_F(ProbeResultCacheTest, ConcurrentScrapesStartOneProbe) {
  const Target t = Configured(30);
  std::atomic<int> starts{0};
  std::atomic<int> fresh{0};
  std::vector<std::thread> scrapes;
  for (int i = 0; i < 8; ++i) {
    scrapes.emplace_back([&] {
      auto lease = cache_.Acquire(t, [&] { return Ready(++starts); });
      fresh += lease.fresh ? 1 : 0;
      lease.Take();
    });
  }
  for (auto& s : scrapes) s.join();
  EXPECT_EQ(starts.load(), 1);
  EXPECT_EQ(fresh.load(), 1);
}

TEST_F(ProbeResultCacheTest, SyncForgetsGoneTargets) {
  const Target t = Configured(30);
  cache_.Acquire(t, [] { return Ready(1); });
  store_.Sync(Config{});
  EXPECT_FALSE(cache_.LastRun(t).has_value());
}

TEST_F(ProbeResultCacheTest, ATargetTheStoreDoesNotKnowIsProbedForItsCallerAlone) {
  const Target t = WithMinInterval(30);  // a scrape that raced a reload
  int starts = 0;
  auto start = [&] { return Ready(++starts); };
  auto first = cache_.Acquire(t, start);
  EXPECT_TRUE(first.fresh);
  EXPECT_TRUE(first.own.valid());
  EXPECT_TRUE(cache_.Acquire(t, start).fresh);
  EXPECT_EQ(starts, 2);
  EXPECT_FALSE(cache_.LastRun(t).has_value());
}

}  // namespace
}  // namespace outage
