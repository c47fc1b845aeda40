// Runs the real exporter binary and checks everything but /probe: the
// configured-targets /metrics scrape, health, reload, /config, command-line
// behaviour and shutdown.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/sanitizer_allowance.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"
#include "tests/support/text_edit.h"

namespace outage::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kModules[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  with_bearer:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      bearer_token: bearer-very-secret-42
  with_basic_auth:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      basic_auth:
        username: alice
        password: basic-very-secret-17
)";

constexpr const char* kPhases[] = {"resolve", "connect", "tls", "processing", "transfer"};

class ExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
    server_->AddStandardRoutes();
    server_->Route("/slow1", Delay(seconds(1), Reply(200, {}, "one\n")));
    server_->Route("/slow2", Delay(seconds(1), Reply(200, {}, "two\n")));
    server_->Route("/slow3", Delay(seconds(1), Reply(200, {}, "three\n")));
    server_->Route("/status/503", Reply(503, {}, "down\n"));
    server_->Route("/very-slow", Delay(seconds(20), Reply(200)));
    server_->Route("/slow-3s", Delay(seconds(3), Reply(200)));
  }

  void TearDown() override {
    if (HasFailure() && exporter_ != nullptr) {
      std::cerr << "---- exporter stderr ----\n" << exporter_->Stderr() << "\n";
    }
  }

  // Target renders one `targets:` entry.
  [[nodiscard]] std::string Target(const std::string& path, const std::string& module,
                                   const std::string& labels = "") const {
    std::string out = "  - target: " + server_->Url(path) + "\n    module: " + module + "\n";
    if (!labels.empty()) out += "    labels: " + labels + "\n";
    return out;
  }

  // StartWith writes `yaml` as the config file and starts the exporter on
  // it; false (with a test failure saying why) when it does not come up.
  bool StartWith(const std::string& yaml, std::vector<std::string> extra_flags = {}) {
    config_path_ = tmp_.WriteFile("config.yml", yaml);
    extra_flags.insert(extra_flags.begin(), "--config.file=" + config_path_);
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags(extra_flags, &error);
    EXPECT_NE(exporter_, nullptr) << error;
    return exporter_ != nullptr;
  }

  HttpResponse Get(const std::string& path) {
    return HttpGet(exporter_->BaseUrl() + path, {}, seconds(30));
  }

  // Scrape fetches /metrics and checks it is a clean exposition.
  MetricsText Scrape(HttpResponse* out = nullptr) {
    HttpResponse r = Get("/metrics");
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 200) << r.body;
    ExpectPromtoolClean(r.body);
    MetricsText m = MetricsText::Parse(r.body);
    if (out != nullptr) *out = std::move(r);
    return m;
  }

  // ScrapeSlowTargets starts the exporter with `flags` on three targets
  // that answer after 1 s, scrapes once, checks that each was probed once
  // and succeeded, and returns how long the scrape took.
  double ScrapeSlowTargets(std::vector<std::string> flags = {}) {
    if (!StartWith(std::string(kModules) + "targets:\n" + Target("/slow1", "http_2xx") +
                       Target("/slow2", "http_2xx") + Target("/slow3", "http_2xx"),
                   std::move(flags))) {
      return 0;
    }
    HttpResponse r;
    const MetricsText m = Scrape(&r);
    for (const char* path : {"/slow1", "/slow2", "/slow3"}) {
      const Labels l = {{"target", server_->Url(path)}, {"module", "http_2xx"}};
      EXPECT_EQ(m.Value("probe_success", l), 1) << path;
      EXPECT_EQ(server_->RequestCount(path), 1) << path;
      ExpectWellFormedProbe(m, l);
    }
    return r.elapsed.count();
  }

  RunResult RunBinary(const std::vector<std::string>& args) {
    SubprocessOptions o;
    o.program = ExporterBinaryPath();
    o.args = args;
    return RunSubprocess(o, seconds(10));
  }

  TempDir tmp_;
  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<ExporterProcess> exporter_;
  std::string config_path_;
};

// --- /metrics -------------------------------------------------------------------

TEST_F(ExporterTest, MetricsProbesTargetsConcurrently) {
  const double seconds = ScrapeSlowTargets();
  EXPECT_GE(seconds, 0.95);
  EXPECT_LT(seconds, 1.9) << "three 1 s probes must run at once, not one by one";
}

// --targets.max-concurrent=2: three 1 s targets take two rounds.
TEST_F(ExporterTest, MetricsRunsAtMostTheWindowOfProbesAtOnce) {
  const double seconds = ScrapeSlowTargets({"--targets.max-concurrent=2"});
  EXPECT_GE(seconds, 1.95) << "the third probe must wait for a place";
  EXPECT_LT(seconds, 2.9);
}

// A target still waiting for a place when its deadline passes is let in
// then and fails at once as a timeout: the scrape keeps its deadline and
// every target has its series.
TEST_F(ExporterTest, MetricsWindowKeepsTheScrapeDeadline) {
  ASSERT_TRUE(StartWith(std::string(kModules) + "targets:\n" + Target("/very-slow", "http_2xx") +
                            Target("/ok", "http_2xx"),
                        {"--targets.max-concurrent=1", "--timeout-offset=0.5"}));
  const HttpResponse r = HttpGet(exporter_->BaseUrl() + "/metrics",
                                 {{"X-Prometheus-Scrape-Timeout-Seconds", "2.0"}}, seconds(30));
  ASSERT_TRUE(r.ok) << r.error;
  ExpectPromtoolClean(r.body);
  EXPECT_LT(r.elapsed.count(), 2.0) << "1.5 s deadline";
  const MetricsText m = MetricsText::Parse(r.body);
  for (const char* path : {"/very-slow", "/ok"}) {
    const Labels l = {{"target", server_->Url(path)}, {"module", "http_2xx"}};
    EXPECT_EQ(m.Value("probe_success", l), 0) << path;
    EXPECT_EQ(m.FailureReason(l), "timeout") << path;
    EXPECT_EQ(m.Value("outage_probes_total", l), 1) << path;
  }
}

TEST_F(ExporterTest, MetricsSeriesCarryTargetModuleAndTargetLabels) {
  ASSERT_TRUE(StartWith(std::string(kModules) + "targets:\n" +
                        Target("/ok", "http_2xx", "{team: sre, component: web}") +
                        Target("/status/503", "http_2xx", "{team: payments}")));
  const MetricsText m = Scrape();
  const Labels ok = {{"target", server_->Url("/ok")},
                     {"module", "http_2xx"},
                     {"team", "sre"},
                     {"component", "web"}};
  const Labels down = {
      {"target", server_->Url("/status/503")}, {"module", "http_2xx"}, {"team", "payments"}};
  ExpectWellFormedProbe(m, ok);
  ExpectWellFormedProbe(m, down);
  EXPECT_EQ(m.Value("probe_success", ok), 1);
  EXPECT_EQ(m.FailureReason(ok), "none");
  EXPECT_EQ(m.Value("probe_success", down), 0);
  EXPECT_EQ(m.FailureReason(down), "http_5xx");
  EXPECT_EQ(m.Value("probe_http_status_code", down), 503);
  const std::set<std::string> targets = {server_->Url("/ok"), server_->Url("/status/503")};
  for (const Sample& s : m.samples()) {
    if (s.name.rfind("probe_", 0) != 0 && s.name.rfind("outage_probe", 0) != 0) continue;
    ASSERT_EQ(s.labels.count("target"), 1u) << s.name << FormatLabels(s.labels);
    EXPECT_EQ(targets.count(s.labels.find("target")->second), 1u)
        << s.name << FormatLabels(s.labels);
    EXPECT_EQ(s.labels.count("module"), 1u) << s.name << FormatLabels(s.labels);
    EXPECT_EQ(s.labels.count("team"), 1u) << s.name << FormatLabels(s.labels);
  }
}

TEST_F(ExporterTest, MetricsHistogramsAndCountersAccumulateAcrossScrapes) {
  ASSERT_TRUE(StartWith(std::string(kModules) + "targets:\n" + Target("/ok", "http_2xx") +
                        Target("/status/503", "http_2xx")));
  const Labels ok = {{"target", server_->Url("/ok")}, {"module", "http_2xx"}};
  const Labels down = {{"target", server_->Url("/status/503")}, {"module", "http_2xx"}};
  for (int scrape = 1; scrape <= 3; ++scrape) {
    SCOPED_TRACE("scrape " + std::to_string(scrape));
    const MetricsText m = Scrape();
    EXPECT_EQ(m.Type("outage_probe_duration_seconds"), "histogram");
    EXPECT_EQ(m.Type("outage_probe_phase_duration_seconds"), "histogram");
    EXPECT_EQ(m.Type("outage_probes_total"), "counter");
    EXPECT_EQ(m.Type("outage_probe_failures_total"), "counter");
    for (const Labels& l : {ok, down}) {
      EXPECT_EQ(m.Value("outage_probes_total", l), scrape) << FormatLabels(l);
      EXPECT_EQ(m.Value("outage_probe_duration_seconds_count", l), scrape) << FormatLabels(l);
      Labels inf = l;
      inf["le"] = "+Inf";
      EXPECT_EQ(m.Value("outage_probe_duration_seconds_bucket", inf), scrape);
      EXPECT_GT(m.Value("outage_probe_duration_seconds_sum", l).value_or(0), 0);
      for (const char* phase : kPhases) {
        Labels p = l;
        p["phase"] = phase;
        EXPECT_EQ(m.Value("outage_probe_phase_duration_seconds_count", p), scrape)
            << FormatLabels(p);
      }
    }
    Labels down_5xx = down;
    down_5xx["reason"] = "http_5xx";
    EXPECT_EQ(m.Value("outage_probe_failures_total", down_5xx), scrape);
    double ok_failures = 0;
    for (const Sample& s : m.Find("outage_probe_failures_total", ok)) ok_failures += s.value;
    EXPECT_EQ(ok_failures, 0);
  }
  EXPECT_EQ(server_->RequestCount("/ok"), 3);
}

// A scrape of thousands of targets is written family by family in slices
// (chunked, never held whole): every series of every target arrives, each
// family once, and promtool accepts it. Most targets are refused (cheap to
// probe, the same series as any failure); some are answered.
TEST_F(ExporterTest, LargeScrapeIsCompleteAndValid) {
  constexpr int kRefused = 1990;
  constexpr int kAnswered = 10;
  const RefusedPort refused;
  std::string yaml = std::string(kModules) + "targets:\n";
  const auto refused_url = [&](int i) {
    return "http://127.0.0.1:" + std::to_string(refused.port()) + "/t/" + std::to_string(i);
  };
  for (int i = 0; i < kRefused; ++i) {
    yaml += "  - target: " + refused_url(i) + "\n    module: http_2xx\n";
  }
  for (int i = 0; i < kAnswered; ++i) {
    yaml += Target("/ok?i=" + std::to_string(i), "http_2xx", "{team: sre}");
  }
  ASSERT_TRUE(StartWith(yaml));
  HttpResponse r;
  const MetricsText m = Scrape(&r);
  EXPECT_EQ(r.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(r.headers.count("content-length"), 0u);
  EXPECT_GT(r.body.size(), 4u * 1024 * 1024) << "too small to need several slices";
  EXPECT_TRUE(m.errors().empty());

  const auto count = [&](const std::string& name, const Labels& labels = {}) {
    return m.Find(name, labels).size();
  };
  const size_t targets = kRefused + kAnswered;
  EXPECT_EQ(count("probe_success"), targets);
  EXPECT_EQ(count("probe_success", {{"team", "sre"}}), static_cast<size_t>(kAnswered));
  EXPECT_EQ(count("outage_probes_total"), targets);
  EXPECT_EQ(count("outage_probe_duration_seconds_count"), targets);
  EXPECT_EQ(count("outage_state", {{"state", "down"}}), targets);  // one of each state
  EXPECT_EQ(count("outage_consecutive_failures"), targets);
  for (int i = 0; i < kRefused; i += 199) {
    const Labels l = {{"target", refused_url(i)}, {"module", "http_2xx"}};
    EXPECT_EQ(m.FailureReason(l), "network") << refused_url(i);
    Labels network = l;
    network["reason"] = "network";
    EXPECT_EQ(m.Value("outage_probe_failures_total", network), 1) << refused_url(i);
  }
  for (int i = 0; i < kAnswered; ++i) {
    const Labels l = {{"target", server_->Url("/ok?i=" + std::to_string(i))},
                      {"module", "http_2xx"}};
    EXPECT_EQ(m.Value("probe_success", l), 1) << FormatLabels(l);
    ExpectWellFormedProbe(m, l);
  }
  // Each family once, all its series together (promtool checks it too).
  std::set<std::string> closed;
  size_t start = 0;
  while (start < r.body.size()) {
    size_t end = r.body.find('\n', start);
    if (end == std::string::npos) end = r.body.size();
    const std::string line = r.body.substr(start, end - start);
    start = end + 1;
    if (line.rfind("# TYPE ", 0) != 0) continue;
    const std::string family = line.substr(7, line.find(' ', 7) - 7);
    EXPECT_TRUE(closed.insert(family).second) << "family " << family << " appears twice";
  }
  EXPECT_EQ(m.Value("outage_exporter_targets", {{"scope", "served"}}), targets);
}

TEST_F(ExporterTest, MetricsCarryTheExportersOwnHealth) {
  const auto started = static_cast<double>(std::time(nullptr));
  ASSERT_TRUE(StartWith(std::string(kModules) + "targets:\n" + Target("/ok", "http_2xx")));
  const MetricsText m = Scrape();
  const std::vector<Sample> build = m.Find("outage_exporter_build_info");
  ASSERT_EQ(build.size(), 1u);
  EXPECT_EQ(build[0].value, 1);
  EXPECT_EQ(build[0].labels.count("version"), 1u);
  EXPECT_EQ(build[0].labels.count("revision"), 1u);
  EXPECT_EQ(m.Value("outage_exporter_config_last_reload_successful"), 1);
  const double reloaded =
      m.Value("outage_exporter_config_last_reload_success_timestamp_seconds").value_or(0);
  EXPECT_GE(reloaded, started - 5);
  EXPECT_LE(reloaded, std::time(nullptr) + 5.0);
  EXPECT_GE(m.Value("outage_exporter_probes_in_flight").value_or(-1), 0);
  EXPECT_GE(m.Value("process_cpu_seconds_total").value_or(-1), 0);
  EXPECT_GT(m.Value("process_resident_memory_bytes").value_or(0), 1e6);
  EXPECT_GT(m.Value("process_open_fds").value_or(0), 2);
  EXPECT_NEAR(m.Value("process_start_time_seconds").value_or(0), started, 10);
}

TEST_F(ExporterTest, TimeoutOffsetFlagIsSubtractedFromTheScrapeTimeout) {
  ASSERT_TRUE(StartWith(kModules, {"--timeout-offset=0.9"}));
  // 2.0 s scrape timeout - 0.9 s offset = 1.1 s deadline (module: 5 s).
  const HttpResponse r = HttpGet(
      exporter_->BaseUrl() + "/probe?module=http_2xx&target=" + UrlEncode(server_->Url("/slow-3s")),
      {{"X-Prometheus-Scrape-Timeout-Seconds", "2.0"}}, seconds(30));
  ASSERT_TRUE(r.ok) << r.error;
  const MetricsText m = MetricsText::Parse(r.body);
  EXPECT_EQ(m.FailureReason(), "timeout") << r.body;
  // Between the 1.1 s deadline and the 1.5 s the default offset would give.
  EXPECT_GE(m.Value("probe_duration_seconds").value_or(0), 1.0) << r.body;
  EXPECT_LT(m.Value("probe_duration_seconds").value_or(99), 1.4) << r.body;
  EXPECT_LT(r.elapsed.count(), 1.5);
}

// --- Health, reload, /config --------------------------------------------------------

TEST_F(ExporterTest, HealthyAndReadyAnswer200) {
  ASSERT_TRUE(StartWith(kModules));
  for (const char* path : {"/-/healthy", "/-/ready"}) {
    const HttpResponse r = Get(path);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 200) << path;
  }
}

TEST_F(ExporterTest, ReloadViaPostPicksUpTheNewFile) {
  ASSERT_TRUE(
      StartWith(std::string(kModules) + "targets:\n" + Target("/ok", "http_2xx", "{v: one}")));
  tmp_.WriteFile("config.yml",
                 std::string(kModules) + "targets:\n" + Target("/ok", "http_2xx", "{v: two}"));
  const HttpResponse r = HttpPost(exporter_->BaseUrl() + "/-/reload", "");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_GE(r.status, 200);
  EXPECT_LT(r.status, 300) << r.body;
  const MetricsText m = Scrape();
  EXPECT_EQ(m.Value("probe_success", {{"v", "two"}}), 1);
  EXPECT_FALSE(m.Has("probe_success", {{"v", "one"}}));
  EXPECT_EQ(m.Value("outage_exporter_config_last_reload_successful"), 1);
}

TEST_F(ExporterTest, ReloadViaSighup) {
  ASSERT_TRUE(StartWith(kModules));
  tmp_.WriteFile("config.yml", std::string(kModules) +
                                   "  added_by_sighup:\n"
                                   "    prober: http\n"
                                   "    timeout: 2s\n");
  ASSERT_TRUE(exporter_->process().Signal(SIGHUP));
  bool reloaded = false;
  for (int i = 0; i < 50 && !reloaded; ++i) {  // up to 5 s
    reloaded = Get("/config").body.find("added_by_sighup") != std::string::npos;
    if (!reloaded) std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_TRUE(reloaded) << Get("/config").body;
  EXPECT_TRUE(exporter_->process().Running());
  const HttpResponse probe =
      Get("/probe?target=" + UrlEncode(server_->Url("/ok")) + "&module=added_by_sighup");
  EXPECT_EQ(probe.status, 200) << probe.body;
}

TEST_F(ExporterTest, AutoReloadPicksUpAChangedFileAndRetriesABrokenOne) {
  ASSERT_TRUE(
      StartWith(kModules, {"--config.enable-auto-reload", "--config.auto-reload-interval=100ms"}));
  // Broken first: the old config stays, and the reload is reported failed.
  tmp_.WriteFile("config.yml", "modules:\n  http_2xx:\n    prober: http\n    timeout: soon\n");
  bool failed = false;
  for (int i = 0; i < 50 && !failed; ++i) {  // up to 5 s
    failed = Scrape().Value("outage_exporter_config_last_reload_successful") == 0;
    if (!failed) std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_TRUE(failed) << Tail(exporter_->Stderr(), 20);
  // Fixed: the next check loads it.
  tmp_.WriteFile("config.yml", std::string(kModules) +
                                   "  added_by_auto_reload:\n"
                                   "    prober: http\n"
                                   "    timeout: 2s\n");
  bool reloaded = false;
  for (int i = 0; i < 50 && !reloaded; ++i) {  // up to 5 s
    reloaded = Get("/config").body.find("added_by_auto_reload") != std::string::npos;
    if (!reloaded) std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_TRUE(reloaded) << Get("/config").body;
  EXPECT_EQ(Scrape().Value("outage_exporter_config_last_reload_successful"), 1);
  EXPECT_NE(exporter_->Stderr().find("Config file has changed, reloading"), std::string::npos);
}

TEST_F(ExporterTest, ConfigStaysWithoutAutoReload) {
  ASSERT_TRUE(StartWith(kModules));
  tmp_.WriteFile("config.yml", std::string(kModules) + "  added_later:\n    prober: http\n");
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(Get("/config").body.find("added_later"), std::string::npos);
}

TEST_F(ExporterTest, ReloadOfBrokenFileKeepsTheOldConfig) {
  ASSERT_TRUE(
      StartWith(std::string(kModules) + "targets:\n" + Target("/ok", "http_2xx", "{v: old}")));
  tmp_.WriteFile("config.yml", "modules:\n  http_2xx:\n    prober: http\n    timeout: soon\n");
  const HttpResponse r = HttpPost(exporter_->BaseUrl() + "/-/reload", "");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_GE(r.status, 400);
  EXPECT_NE(r.body.find("timeout"), std::string::npos) << "the error names the key: " << r.body;
  const MetricsText m = Scrape();
  EXPECT_EQ(m.Value("outage_exporter_config_last_reload_successful"), 0);
  EXPECT_EQ(m.Value("probe_success", {{"v", "old"}}), 1) << "old targets keep being probed";
  EXPECT_NE(Get("/config").body.find("old"), std::string::npos);

  // Fixing the file and reloading recovers.
  tmp_.WriteFile("config.yml",
                 std::string(kModules) + "targets:\n" + Target("/ok", "http_2xx", "{v: fixed}"));
  EXPECT_EQ(HttpPost(exporter_->BaseUrl() + "/-/reload", "").status / 100, 2);
  const MetricsText fixed = Scrape();
  EXPECT_EQ(fixed.Value("outage_exporter_config_last_reload_successful"), 1);
  EXPECT_EQ(fixed.Value("probe_success", {{"v", "fixed"}}), 1);
}

TEST_F(ExporterTest, ReloadRejectsOtherMethods) {
  ASSERT_TRUE(StartWith(kModules));
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    HttpRequest req;
    req.method = method;
    req.url = exporter_->BaseUrl() + "/-/reload";
    const HttpResponse r = HttpDo(req);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 405) << method;
  }
}

TEST_F(ExporterTest, ConfigEndpointRedactsSecrets) {
  ASSERT_TRUE(StartWith(kModules));
  const HttpResponse r = Get("/config");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("with_bearer"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("with_basic_auth"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("alice"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<secret>"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("bearer-very-secret-42"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("basic-very-secret-17"), std::string::npos) << r.body;
}

TEST_F(ExporterTest, EmbeddedDefaultConfigIsUsedWithoutConfigFile) {
  std::string error;
  exporter_ = ExporterProcess::StartWithFlags({}, &error);
  ASSERT_NE(exporter_, nullptr) << error;
  const HttpResponse r = Get("/config");  // not /metrics: that would leave loopback
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("http_2xx"), std::string::npos) << r.body;
  EXPECT_EQ(Get("/-/healthy").status, 200);
}

// --- Command line ---------------------------------------------------------------------

TEST_F(ExporterTest, ConfigCheckAcceptsAGoodFile) {
  const std::string path = tmp_.WriteFile("good.yml", kModules);
  const RunResult r = RunBinary({"--config.file=" + path, "--config.check"});
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
}

TEST_F(ExporterTest, ConfigCheckRejectsABadFile) {
  const std::string path =
      tmp_.WriteFile("bad.yml", "modules:\n  http_2xx:\n    prober: http\n    timeout: soon\n");
  const RunResult r = RunBinary({"--config.file=" + path, "--config.check"});
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_NE((r.stderr_text + r.stdout_text).find("bad.yml"), std::string::npos)
      << "the error names the file: " << r.stderr_text;
}

TEST_F(ExporterTest, BadFlagExits1WithOneLine) {
  const RunResult r = RunBinary({"--no.such.flag=1"});
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(CountLines(r.stderr_text), 1) << r.stderr_text;
}

TEST_F(ExporterTest, UnbindableAddressExits1) {
  int port = 0;
  std::string error;
  const int held = ListenOnLoopback(&port, &error);  // we hold the port
  ASSERT_GE(held, 0) << error;
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const RunResult r = RunBinary(
      {"--web.listen-address=" + address, "--config.file=" + tmp_.WriteFile("c.yml", kModules)});
  close(held);
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_EQ(r.stderr_text.find("Listening on address"), std::string::npos) << r.stderr_text;
  EXPECT_NE(r.stderr_text.find(std::to_string(port)), std::string::npos)
      << "the error names the address: " << r.stderr_text;
}

TEST_F(ExporterTest, VersionPrintsVersionAndExits0) {
  const RunResult r = RunBinary({"--version"});
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  const std::string out = r.stdout_text + r.stderr_text;
  EXPECT_NE(out.find("outage_exporter"), std::string::npos) << out;
  EXPECT_NE(out.find("version"), std::string::npos) << out;
}

TEST_F(ExporterTest, HelpListsFlagsAndExits0) {
  const RunResult r = RunBinary({"--help"});
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  const std::string out = r.stdout_text + r.stderr_text;
  for (const char* flag : {"--web.listen-address", "--config.file", "--config.check",
                           "--timeout-offset", "--log.level", "--log.format"}) {
    EXPECT_NE(out.find(flag), std::string::npos) << flag << " in:\n" << out;
  }
}

TEST_F(ExporterTest, JsonLogFormatWritesJsonLines) {
  ASSERT_TRUE(StartWith(kModules, {"--log.format=json"}));
  EXPECT_EQ(Get("/-/healthy").status, 200);
  const std::vector<std::string> lines = SplitLines(exporter_->Stderr());
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    EXPECT_TRUE(line.size() >= 2 && line.front() == '{' && line.back() == '}') << line;
  }
}

// --- Shutdown ---------------------------------------------------------------------------

// A second of grace for requests in flight, then up to 1.5 s for the
// listener to write the last answers and stop (more under sanitizers).
constexpr milliseconds kShutdownBudget =
    milliseconds(1000) + milliseconds(1500) * kSanitizerTimeScale;

TEST_F(ExporterTest, SigtermExits0Promptly) {
  ASSERT_TRUE(StartWith(kModules));
  const auto start = Clock::now();
  EXPECT_EQ(exporter_->Stop(seconds(5 * kSanitizerTimeScale)), 0);
  EXPECT_LT(Clock::now() - start, kShutdownBudget);
}

TEST_F(ExporterTest, SigtermDuringAScrapeExits0Promptly) {
  ASSERT_TRUE(StartWith(std::string(kModules) +
                        "  slow_module:\n    prober: http\n    timeout: 30s\n" + "targets:\n" +
                        Target("/very-slow", "slow_module")));
  HttpResponse scrape;
  std::thread client([&] { scrape = HttpGet(exporter_->BaseUrl() + "/metrics", {}, seconds(30)); });
  for (int i = 0; i < 100 && server_->RequestCount("/very-slow") == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(server_->RequestCount("/very-slow"), 1) << "the probe should be in flight";
  const auto start = Clock::now();
  EXPECT_EQ(exporter_->Stop(seconds(5 * kSanitizerTimeScale)), 0);
  EXPECT_LT(Clock::now() - start, kShutdownBudget);
  client.join();
}

}  // namespace
}  // namespace outage::test
