// The /probe concurrency cap: ProbeLimiter's arithmetic, and the real
// exporter answering 503 at once over the cap while /-/healthy and /metrics
// still answer.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "exporter/probe_limiter.h"
#include "tests/reliability/hostile_servers.h"
#include "tests/reliability/reliability_util.h"
#include "tests/support/exporter_process.h"
#include "tests/support/temp_dir.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(ProbeLimiterTest, AdmitsUpToTheCapThenRejectsAndCounts) {
  ProbeLimiter limiter(2);
  ProbeLimiter::Slot a = limiter.TryAcquire();
  ProbeLimiter::Slot b = limiter.TryAcquire();
  EXPECT_TRUE(a.admitted());
  EXPECT_TRUE(b.admitted());
  EXPECT_FALSE(limiter.TryAcquire().admitted());
  EXPECT_EQ(limiter.rejected_total(), 1);
  EXPECT_EQ(limiter.in_flight(), 2);
  {
    ProbeLimiter::Slot moved = std::move(a);
    EXPECT_FALSE(a.admitted());  // NOLINT(bugprone-use-after-move): testing the move
    EXPECT_EQ(limiter.in_flight(), 2);
  }
  EXPECT_EQ(limiter.in_flight(), 1);
  EXPECT_TRUE(limiter.TryAcquire().admitted());  // and released again at once
  EXPECT_EQ(limiter.in_flight(), 1);
  EXPECT_EQ(limiter.rejected_total(), 1);
}

TEST(ProbeLimiterTest, NeverAdmitsMoreThanTheCapUnderContention) {
  ProbeLimiter limiter(3);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        ProbeLimiter::Slot s = limiter.TryAcquire();
        if (!s.admitted()) continue;
        const int now = ++running;
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        --running;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 3);
  EXPECT_EQ(limiter.in_flight(), 0);
}

constexpr char kConfig[] = R"(modules:
  http_1s:
    prober: http
    timeout: 1s
    http:
      preferred_ip_protocol: ip4
)";

TEST(ProbeCapTest, OverTheCapAnswers503AtOnceWhileHealthAndMetricsAnswer) {
  std::string error;
  auto silent = HostileServer::Start(Hostility::kSilent, &error);
  ASSERT_NE(silent, nullptr) << error;
  TempDir tmp;
  const std::string config = tmp.WriteFile("config.yml", kConfig);
  constexpr int kCap = 4;
  auto exporter = ExporterProcess::StartWithFlags(
      {"--config.file=" + config, "--probe.max-concurrent=" + std::to_string(kCap)}, &error);
  ASSERT_NE(exporter, nullptr) << error;
  const std::string base = exporter->BaseUrl();

  // Fill the cap with probes that hang until their 1 s deadline.
  std::vector<TimedProbe> hanging(kCap);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCap; ++i) {
    threads.emplace_back([&, i] { hanging[i] = ProbeTimed(base, silent->Url("/"), "http_1s"); });
  }
  const auto end = steady_clock::now() + milliseconds(1500);
  while (silent->AcceptedCount() < kCap && steady_clock::now() < end) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(silent->AcceptedCount(), kCap) << "the hanging probes did not start";

  const TimedProbe rejected = ProbeTimed(base, silent->Url("/"), "http_1s");
  ASSERT_TRUE(rejected.response.ok) << rejected.response.error;
  EXPECT_EQ(rejected.response.status, 503);
  EXPECT_LT(rejected.elapsed, milliseconds(250 * kSanitizerTimeScale))
      << "a rejection must not wait";
  EXPECT_NE(rejected.response.body.find("--probe.max-concurrent=4"), std::string::npos)
      << rejected.response.body;
  EXPECT_EQ(std::count(rejected.response.body.begin(), rejected.response.body.end(), '\n'), 1)
      << "one-line reason, got: " << rejected.response.body;

  const HttpResponse healthy =
      HttpGet(base + "/-/healthy", {}, milliseconds(1000 * kSanitizerTimeScale));
  EXPECT_EQ(healthy.status, 200) << healthy.error;
  const HttpResponse metrics =
      HttpGet(base + "/metrics", {}, milliseconds(1000 * kSanitizerTimeScale));
  ASSERT_EQ(metrics.status, 200) << metrics.error;
  const MetricsText m = MetricsText::Parse(metrics.body);
  EXPECT_EQ(m.Value("outage_exporter_probes_rejected_total"), 1.0);
  EXPECT_EQ(m.Value("outage_exporter_probe_max_concurrent"), kCap);
  EXPECT_EQ(m.Value("outage_exporter_probes_in_flight"), kCap);
  EXPECT_EQ(m.Type("outage_exporter_probes_rejected_total"), "counter");

  for (auto& t : threads) t.join();
  for (const TimedProbe& p : hanging) EXPECT_EQ(p.response.status, 200) << p.response.error;
  // The slots are free again.
  EXPECT_EQ(ProbeTimed(base, silent->Url("/"), "http_1s").response.status, 200);
}

TEST(ProbeCapTest, ProbesHoldNoWorkerThread) {
  // One worker thread, many hanging probes: a /probe runs without a thread,
  // so all of them run at once, each ends at its own deadline, and /metrics
  // (which needs the one worker) still answers meanwhile.
  std::string error;
  auto silent = HostileServer::Start(Hostility::kSilent, &error);
  ASSERT_NE(silent, nullptr) << error;
  TempDir tmp;
  const std::string config = tmp.WriteFile("config.yml", kConfig);
  auto exporter = ExporterProcess::StartWithFlags(
      {"--config.file=" + config, "--probe.max-concurrent=100", "--web.threads=1"}, &error);
  ASSERT_NE(exporter, nullptr) << error;
  const std::string base = exporter->BaseUrl();
  constexpr int kProbes = 12;
  std::vector<TimedProbe> hanging(kProbes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kProbes; ++i) {
    threads.emplace_back([&, i] { hanging[i] = ProbeTimed(base, silent->Url("/"), "http_1s"); });
  }
  const auto end = steady_clock::now() + milliseconds(1500 * kSanitizerTimeScale);
  while (silent->AcceptedCount() < kProbes && steady_clock::now() < end) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(silent->AcceptedCount(), kProbes) << "the probes did not all start at once";
  const HttpResponse metrics =
      HttpGet(base + "/metrics", {}, milliseconds(1000 * kSanitizerTimeScale));
  EXPECT_EQ(metrics.status, 200) << metrics.error;
  for (auto& t : threads) t.join();
  for (const TimedProbe& p : hanging) {
    EXPECT_EQ(p.response.status, 200) << p.response.error;
    EXPECT_LT(p.elapsed, milliseconds(1000 + 250 * kSanitizerTimeScale))
        << "a probe answer must come by its deadline + 250ms";
  }
}

}  // namespace
}  // namespace outage::test
