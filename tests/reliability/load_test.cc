// Load and reload: 256 concurrent /probe clients against healthy and hanging
// targets (every request answered 200 or 503, RSS and fds bounded), and
// POST /-/reload while scrapes run (a broken file keeps the old config, a
// good one swaps it without failing a scrape).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/reliability/hostile_servers.h"
#include "tests/reliability/process_stats.h"
#include "tests/reliability/reliability_util.h"
#include "tests/support/exporter_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// LoadSeconds is $OUTAGE_LOAD_SECONDS (1..600), default 30.
int LoadSeconds() {
  const char* env = std::getenv("OUTAGE_LOAD_SECONDS");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n >= 1 && n <= 600 ? n : 30;
}

// Monitor samples the exporter's RSS and open fds every 100 ms.
class Monitor {
 public:
  explicit Monitor(pid_t pid) : pid_(pid), thread_([this] { Loop(); }) {}
  ~Monitor() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t peak_rss_kb() const { return peak_rss_kb_; }
  int peak_fds() const { return peak_fds_; }

 private:
  void Loop() {
    while (!stop_) {
      peak_rss_kb_ = std::max(peak_rss_kb_.load(), ReadStatusKb(pid_, "VmRSS"));
      peak_fds_ = std::max(peak_fds_.load(), CountOpenFds(pid_));
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  pid_t pid_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> peak_rss_kb_{0};
  std::atomic<int> peak_fds_{0};
  std::thread thread_;
};

double Percentile(std::vector<double>* v, double q) {
  if (v->empty()) return 0;
  std::sort(v->begin(), v->end());
  return (*v)[std::min(v->size() - 1, static_cast<size_t>(q * static_cast<double>(v->size())))];
}

constexpr char kLoadConfig[] = R"(modules:
  http_1s:
    prober: http
    timeout: 1s
    http:
      preferred_ip_protocol: ip4
)";

TEST(LoadTest, ConcurrentClientsOnHealthyAndHangingTargetsAreAllAnswered) {
  constexpr int kClients = 256;
  constexpr int kCap = 128;                    // below the client count, so the cap is exercised
  constexpr int64_t kMaxRequests = 2'000'000;  // a bound besides the clock
  const int duration_s = LoadSeconds();

  std::string error;
  TestHttpServerOptions options;
  options.max_connections = 512;
  auto healthy = TestHttpServer::Start(options, &error);
  ASSERT_NE(healthy, nullptr) << error;
  healthy->AddStandardRoutes();
  auto hanging = HostileServer::Start(Hostility::kSilent, &error);
  ASSERT_NE(hanging, nullptr) << error;
  TempDir tmp;
  const std::string config = tmp.WriteFile("config.yml", kLoadConfig);
  auto exporter = ExporterProcess::StartWithFlags(
      {"--config.file=" + config, "--probe.max-concurrent=" + std::to_string(kCap)}, &error);
  ASSERT_NE(exporter, nullptr) << error;
  const std::string base = exporter->BaseUrl();
  const pid_t pid = exporter->Pid();

  // Baseline after one probe of each kind.
  ProbeTimed(base, healthy->Url("/ok"), "http_1s");
  ProbeTimed(base, hanging->Url("/"), "http_1s");
  std::this_thread::sleep_for(milliseconds(200));
  const int fds_before = CountOpenFds(pid);
  const int64_t rss_before = ReadStatusKb(pid, "VmRSS");

  Monitor monitor(pid);
  std::atomic<int64_t> issued{0};
  std::mutex mu;
  std::map<long, int64_t> by_status;  // 0: no HTTP answer
  std::vector<double> latencies;
  std::vector<std::string> errors;
  const auto end = Clock::now() + seconds(duration_s);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::map<long, int64_t> mine;
      std::vector<double> lat;
      std::string first_error;
      // Three of four clients probe the healthy target, one the hanging one.
      const std::string target = c % 4 == 3 ? hanging->Url("/") : healthy->Url("/ok");
      while (Clock::now() < end && issued.fetch_add(1) < kMaxRequests) {
        const TimedProbe p = ProbeTimed(base, target, "http_1s", seconds(10));
        const long status = p.response.ok ? p.response.status : 0;
        ++mine[status];
        lat.push_back(p.elapsed.count());
        if ((status != 200 && status != 503) && first_error.empty()) {
          first_error = p.response.ok ? "status " + std::to_string(status) + ": " + p.response.body
                                      : p.response.error;
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& [s, n] : mine) by_status[s] += n;
      latencies.insert(latencies.end(), lat.begin(), lat.end());
      if (!first_error.empty()) errors.push_back(first_error);
    });
  }
  // While the load runs, the health check must keep answering.
  double worst_health_s = 0;
  int health_failures = 0;
  while (Clock::now() < end) {
    const auto t0 = Clock::now();
    const HttpResponse h = HttpGet(base + "/-/healthy", {}, seconds(5));
    worst_health_s =
        std::max(worst_health_s, std::chrono::duration<double>(Clock::now() - t0).count());
    if (h.status != 200) ++health_failures;
    std::this_thread::sleep_for(milliseconds(500));
  }
  for (auto& t : clients) t.join();
  const HttpResponse metrics = HttpGet(base + "/metrics", {}, seconds(5));
  monitor.Stop();

  ASSERT_TRUE(exporter->process().Running()) << "the exporter died:\n" << exporter->Stderr();
  const int fds_after = WaitForFdsAtMost(pid, fds_before, milliseconds(5000));
  const int64_t rss_after = ReadStatusKb(pid, "VmRSS");
  int64_t total = 0;
  for (const auto& [s, n] : by_status) total += n;
  const double p50 = Percentile(&latencies, 0.50);
  const double p99 = Percentile(&latencies, 0.99);
  std::cout << std::fixed << std::setprecision(3) << "[ load     ] " << kClients << " clients, "
            << duration_s << " s, cap " << kCap << ": requests " << total << ", 200s "
            << by_status[200] << ", 503s " << by_status[503] << ", other "
            << total - by_status[200] - by_status[503] << ", p50 " << p50 << " s, p99 " << p99
            << " s, peak RSS " << monitor.peak_rss_kb() / 1024.0 << " MiB (idle "
            << rss_before / 1024.0 << ", after " << rss_after / 1024.0 << "), peak fds "
            << monitor.peak_fds() << " (baseline " << fds_before << ", after " << fds_after
            << "), worst /-/healthy " << worst_health_s << " s\n";

  EXPECT_EQ(by_status[200] + by_status[503], total)
      << errors.size()
      << " clients saw other answers; first: " << (errors.empty() ? "" : errors.front());
  EXPECT_GT(by_status[200], 0);
  EXPECT_EQ(health_failures, 0);
  EXPECT_LT(worst_health_s, 2.0 * kSanitizerTimeScale) << "/-/healthy must not queue behind probes";
  ASSERT_EQ(metrics.status, 200) << metrics.error;
  EXPECT_EQ(MetricsText::Parse(metrics.body).Value("outage_exporter_probes_rejected_total"),
            static_cast<double>(by_status[503]));
  // Bounds: a few hundred connections and probes in flight at most, and
  // memory that does not grow with the number of requests served.
  EXPECT_LT(monitor.peak_fds(), 2048);
  if (kCheckRssBounds) {
    EXPECT_LT(monitor.peak_rss_kb(), 256 * 1024);
  }
  EXPECT_LE(fds_after, fds_before) << "fds did not return to baseline";
}

constexpr char kModules[] = R"(modules:
  http_2s:
    prober: http
    timeout: 2s
    http:
      preferred_ip_protocol: ip4
targets:
)";

TEST(ReloadUnderLoadTest, BrokenFileKeepsOldConfigAndGoodFileSwapsWithoutFailingScrapes) {
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->AddStandardRoutes();
  // A slow target keeps scrapes in flight across every reload.
  server->Route("/slow", Delay(milliseconds(300), Reply(200, {}, "slow\n")));
  auto target = [&](const std::string& path) {
    return "  - target: " + server->Url(path) + "\n    module: http_2s\n";
  };
  const std::string old_config = std::string(kModules) + target("/ok") + target("/slow");
  const std::string new_config = old_config + target("/redirect/1");
  TempDir tmp;
  const std::string path = tmp.WriteFile("config.yml", old_config);
  auto exporter = ExporterProcess::StartWithFlags({"--config.file=" + path}, &error);
  ASSERT_NE(exporter, nullptr) << error;
  const std::string base = exporter->BaseUrl();

  std::atomic<bool> stop{false};
  std::atomic<int> scrapes{0};
  std::atomic<int> probes{0};
  std::mutex mu;
  std::vector<std::string> failures;
  std::vector<std::thread> load;
  for (int i = 0; i < 6; ++i) {
    load.emplace_back([&, i] {
      while (!stop) {
        const bool scrape = i < 4;
        const HttpResponse r =
            scrape ? HttpGet(base + "/metrics", {}, seconds(10))
                   : HttpGet(base + "/probe?target=" + UrlEncode(server->Url("/slow")) +
                                 "&module=http_2s",
                             {}, seconds(10));
        const MetricsText m = MetricsText::Parse(r.body);
        const bool good =
            r.ok && r.status == 200 &&
            (scrape ? m.Find("probe_success").size() >= 2 : m.Value("probe_success") == 1.0);
        if (!good) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(
              (scrape ? "/metrics: " : "/probe: ") +
              (r.ok ? std::to_string(r.status) + " " + r.body.substr(0, 300) : r.error));
        }
        ++(scrape ? scrapes : probes);
      }
    });
  }
  auto gauge = [&](const char* name) {
    return MetricsText::Parse(HttpGet(base + "/metrics", {}, seconds(10)).body).Value(name);
  };
  auto targets_now = [&] {
    return MetricsText::Parse(HttpGet(base + "/metrics", {}, seconds(10)).body)
        .Find("probe_success")
        .size();
  };

  std::this_thread::sleep_for(milliseconds(700));
  tmp.WriteFile("config.yml", old_config + "  - target: [broken\n");
  const HttpResponse broken = HttpPost(base + "/-/reload", "", {}, seconds(10));
  EXPECT_EQ(broken.status, 500) << broken.body;
  EXPECT_NE(broken.body.find("config.yml"), std::string::npos) << broken.body;
  EXPECT_EQ(gauge("outage_exporter_config_last_reload_successful"), 0.0);
  EXPECT_EQ(targets_now(), 2u) << "the old config must stay in force";

  std::this_thread::sleep_for(milliseconds(700));
  tmp.WriteFile("config.yml", new_config);
  const HttpResponse good = HttpPost(base + "/-/reload", "", {}, seconds(10));
  EXPECT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(gauge("outage_exporter_config_last_reload_successful"), 1.0);
  EXPECT_EQ(targets_now(), 3u);
  std::this_thread::sleep_for(milliseconds(700));

  stop = true;
  for (auto& t : load) t.join();
  std::cout << "[ reload   ] " << scrapes << " scrapes and " << probes
            << " probes during two reloads, " << failures.size() << " failed\n";
  EXPECT_GT(scrapes.load(), 8);
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed; first: " << failures.front();
  EXPECT_TRUE(exporter->process().Running());
}

}  // namespace
}  // namespace outage::test
