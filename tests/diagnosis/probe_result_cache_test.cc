// Tests for ProbeResultCache: min_interval reuse and single-flight.
#include "diagnosis/probe_result_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "config/target_identity.h"

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

TEST(ProbeResultCacheTest, ReusesAResultYoungerThanMinInterval) {
  FakeClock clock;
  ProbeResultCache cache(&clock);
  const Target t = WithMinInterval(30);
  int starts = 0;
  auto start = [&] { return Ready(++starts); };
  auto first = cache.Acquire(t, start);
  EXPECT_TRUE(first.fresh);
  EXPECT_FALSE(first.own.valid()) << "a result others may share is not the caller's own";
  EXPECT_EQ(first.Take().duration_seconds, 1) << "taking it leaves it to the next scrape";
  const WallTime first_run = clock.Now();
  clock.Advance(std::chrono::seconds(29));
  auto second = cache.Acquire(t, start);
  EXPECT_FALSE(second.fresh);
  EXPECT_EQ(second.Take().duration_seconds, 1);
  EXPECT_EQ(cache.LastRun(t), first_run);
  clock.Advance(std::chrono::seconds(1));
  auto third = cache.Acquire(t, start);
  EXPECT_TRUE(third.fresh);
  EXPECT_EQ(third.Take().duration_seconds, 2);
  EXPECT_EQ(cache.LastRun(t), clock.Now());
}

TEST(ProbeResultCacheTest, WithoutMinIntervalEveryScrapeProbes) {
  FakeClock clock;
  ProbeResultCache cache(&clock);
  const Target t = WithMinInterval(0);
  int starts = 0;
  auto start = [&] { return Ready(++starts); };
  EXPECT_TRUE(cache.Acquire(t, start).fresh);
  EXPECT_TRUE(cache.Acquire(t, start).fresh);
  EXPECT_EQ(starts, 2);
  EXPECT_EQ(cache.LastRun(t), clock.Now());
}

// A result nobody else may share is the caller's own: Take moves it out
// and the cache keeps nothing of it.
TEST(ProbeResultCacheTest, WithoutMinIntervalTheResultIsTheCallersOwn) {
  FakeClock clock;
  ProbeResultCache cache(&clock);
  auto lease = cache.Acquire(WithMinInterval(0), [] { return Ready(3); });
  EXPECT_TRUE(lease.own.valid());
  EXPECT_FALSE(lease.shared.valid());
  EXPECT_EQ(lease.Take().duration_seconds, 3);
}

TEST(ProbeResultCacheTest, JoinsAProbeStillRunning) {
  FakeClock clock;
  ProbeResultCache cache(&clock);
  const Target t = WithMinInterval(5);
  std::promise<ProbeResult> running;
  int starts = 0;
  auto first = cache.Acquire(t, [&] {
    ++starts;
    return running.get_future();
  });
  clock.Advance(std::chrono::seconds(60));  // older than min_interval, but not done
  auto second = cache.Acquire(t, [&] {
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

TEST(ProbeResultCacheTest, ConcurrentScrapesStartOneProbe) {
  FakeClock clock;
  ProbeResultCache cache(&clock);
  const Target t = WithMinInterval(30);
  std::atomic<int> starts{0};
  std::atomic<int> fresh{0};
  std::vector<std::thread> scrapes;
  for (int i = 0; i < 8; ++i) {
    scrapes.emplace_back([&] {
      auto lease = cache.Acquire(t, [&] { return Ready(++starts); });
      fresh += lease.fresh ? 1 : 0;
      lease.Take();
    });
  }
  for (auto& s : scrapes) s.join();
  EXPECT_EQ(starts.load(), 1);
  EXPECT_EQ(fresh.load(), 1);
}

TEST(ProbeResultCacheTest, SyncForgetsGoneTargets) {
  FakeClock clock;
  ProbeResultCache cache(&clock);
  const Target t = WithMinInterval(30);
  cache.Acquire(t, [] { return Ready(1); });
  cache.Sync(Config{});
  EXPECT_FALSE(cache.LastRun(t).has_value());
}

}  // namespace
}  // namespace outage
