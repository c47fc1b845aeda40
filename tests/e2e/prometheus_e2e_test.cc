// End to end with the real Prometheus server: it scrapes the real exporter
// both ways (the blackbox multi-target relabel pattern on /probe, and plain
// /metrics over the configured targets) against loopback targets, and the
// test asserts what Prometheus recorded through its HTTP query API.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/e2e/prometheus_process.h"
#include "tests/support/exporter_process.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"
#include "tests/support/text_edit.h"

namespace outage::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kPollInterval{250};
// Budgets: the worst case (exporter start 10 s + 30 + 30 + 45 + a few
// 3 s windows + teardown) stays inside the ctest TIMEOUT of 180 s; a healthy
// run takes about 8 s in all.
constexpr seconds kPrometheusReadyTimeout{30};
constexpr seconds kTargetsUpTimeout{30};
constexpr seconds kAssertionsTimeout{45};
// Each assertion may poll this long even when the shared assertion deadline
// has passed (a few scrape intervals), so one failure does not starve the
// checks after it into false failures.
constexpr seconds kMinCheckWindow{3};
constexpr size_t kLogTailLines = 200;

constexpr char kUnresolvableUrl[] = "http://e2e-target.invalid/";

// The fixed one-hot reason set of DESIGN.md.
constexpr int kReasonCount = 12;

// Eventually polls `check`, which returns "" when its condition holds and
// otherwise what it observed, until it holds or `deadline` (but at least
// kMinCheckWindow) passes. On timeout it records a failure naming `what` and
// the last observation.
bool Eventually(const std::string& what, Clock::time_point deadline,
                const std::function<std::string()>& check) {
  deadline = std::max(deadline, Clock::now() + kMinCheckWindow);
  std::string observed;
  while (true) {
    observed = check();
    if (observed.empty()) return true;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPollInterval);
  }
  ADD_FAILURE() << "timed out waiting for " << what << "\nlast observed:\n" << observed;
  return false;
}

std::string FormatValue(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

class PrometheusE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
    server_->Route("/healthy", Reply(200, {{"Content-Type", "text/plain"}}, "ok\n"));
    server_->Route("/down", Reply(503, {{"Content-Type", "text/plain"}}, "down\n"));
    healthy_url_ = server_->Url("/healthy");
    down_url_ = server_->Url("/down");
    refused_url_ = "http://127.0.0.1:" + std::to_string(refused_.port()) + "/";
  }

  void TearDown() override {
    if (HasFailure() && prometheus_ != nullptr) {
      std::cerr << "---- Prometheus scrape targets ----\n"
                << DescribeScrapeTargets(prometheus_->BaseUrl());
    }
    if (prometheus_ != nullptr) {
      const std::optional<int> code = prometheus_->Stop();
      if (code != 0) {
        std::cerr << "note: Prometheus exit status after SIGTERM: "
                  << (code ? std::to_string(*code) : "none (killed)") << "\n";
      }
    }
    if (exporter_ != nullptr) {
      const std::optional<int> code = exporter_->Stop();
      EXPECT_EQ(code, 0) << "the exporter must exit 0 on SIGTERM within 5 s";
    }
    if (HasFailure()) {
      if (prometheus_ != nullptr) {
        std::cerr << "---- Prometheus log (tail) ----\n"
                  << Tail(prometheus_->Log(), kLogTailLines) << "\n";
      }
      if (exporter_ != nullptr) {
        std::cerr << "---- exporter log (tail) ----\n"
                  << Tail(exporter_->Stderr(), kLogTailLines) << "\n";
      }
    }
  }

  // StartExporter runs the exporter with the healthy, 503 and refused URLs as
  // configured targets, labelled service=e2e.
  bool StartExporter() {
    std::string config = R"(modules:
  http_2xx:
    prober: http
    timeout: 2s
targets:
)";
    for (const std::string& url : {healthy_url_, down_url_, refused_url_}) {
      config += Substitute(R"(  - target: "$URL"
    module: http_2xx
    labels:
      service: e2e
)",
                           {{"$URL", url}});
    }
    const std::string path = tmp_.WriteFile("outage.yml", config);
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + path}, &error);
    EXPECT_NE(exporter_, nullptr) << error;
    return exporter_ != nullptr;
  }

  // StartPrometheus writes prometheus.yml with the `blackbox` (multi-target
  // relabelling onto /probe) and `outage` (/metrics) jobs and starts it.
  bool StartPrometheus() {
    const std::string config = Substitute(R"(global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params:
      module: [http_2xx]
    static_configs:
      - targets:
          - "$HEALTHY"
          - "$DOWN"
          - "$UNRESOLVABLE"
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: "$EXPORTER"
  - job_name: outage
    static_configs:
      - targets: ["$EXPORTER"]
)",
                                          {{"$HEALTHY", healthy_url_},
                                           {"$DOWN", down_url_},
                                           {"$UNRESOLVABLE", kUnresolvableUrl},
                                           {"$EXPORTER", ExporterAddress()}});
    const std::string config_path = tmp_.WriteFile("prometheus.yml", config);
    const std::string storage = tmp_.PathOf("tsdb");
    std::string error;
    prometheus_ = PrometheusProcess::Start(config_path, storage,
                                           milliseconds(kPrometheusReadyTimeout), &error);
    EXPECT_NE(prometheus_, nullptr) << error;
    return prometheus_ != nullptr;
  }

  // ExporterAddress is the exporter's HOST:PORT, Prometheus' `instance`.
  [[nodiscard]] std::string ExporterAddress() const {
    return "127.0.0.1:" + std::to_string(exporter_->Port());
  }

  QueryResult Query(const std::string& expr) {
    return QueryPrometheus(prometheus_->BaseUrl(), expr);
  }

  // CheckValues evaluates `expr` and compares it with `expected`, keyed by
  // the value of `key_label`: exactly those keys, one sample each, equal
  // values. Returns "" when it matches, else what differs.
  std::string CheckValues(const std::string& expr, const std::string& key_label,
                          const std::map<std::string, double>& expected) {
    const QueryResult r = Query(expr);
    if (!r.ok || r.result_type != "vector") return expr + " -> " + r.Describe();
    std::map<std::string, double> got;
    std::string problems;
    for (const QuerySample& s : r.samples) {
      const auto it = s.labels.find(key_label);
      const std::string key = it == s.labels.end() ? "<no " + key_label + ">" : it->second;
      if (!got.emplace(key, s.value).second) problems += "  duplicate " + key + "\n";
    }
    for (const auto& [key, want] : expected) {
      const auto it = got.find(key);
      if (it == got.end()) {
        problems += "  " + key + ": expected " + FormatValue(want) + ", missing\n";
      } else if (it->second != want) {
        problems += "  " + key + ": expected " + FormatValue(want) + ", got " +
                    FormatValue(it->second) + "\n";
      }
    }
    for (const auto& [key, value] : got) {
      if (expected.count(key) == 0) {
        problems += "  " + key + ": unexpected series = " + FormatValue(value) + "\n";
      }
    }
    if (problems.empty()) return "";
    return expr + " (by " + key_label + "):\n" + problems + "full result:\n" + r.Describe();
  }

  // CheckReasons evaluates `selector == 1` and expects exactly one set reason
  // per key, equal to `expected`.
  std::string CheckReasons(const std::string& selector, const std::string& key_label,
                           const std::map<std::string, std::string>& expected) {
    const std::string expr = selector + " == 1";
    const QueryResult r = Query(expr);
    if (!r.ok || r.result_type != "vector") return expr + " -> " + r.Describe();
    std::map<std::string, std::string> got;
    std::string problems;
    for (const QuerySample& s : r.samples) {
      const auto key = s.labels.find(key_label);
      const auto reason = s.labels.find("reason");
      if (key == s.labels.end() || reason == s.labels.end()) {
        problems += "  series without " + key_label + " or reason\n";
        continue;
      }
      auto [it, inserted] = got.emplace(key->second, reason->second);
      if (!inserted) {
        problems += "  " + key->second + ": more than one reason set (" + it->second + ", " +
                    reason->second + ")\n";
      }
    }
    for (const auto& [key, want] : expected) {
      const auto it = got.find(key);
      const std::string have = it == got.end() ? "<none set>" : it->second;
      if (have != want) problems += "  " + key + ": expected " + want + ", got " + have + "\n";
    }
    for (const auto& [key, reason] : got) {
      if (expected.count(key) == 0) problems += "  unexpected " + key + ": " + reason + "\n";
    }
    if (problems.empty()) return "";
    return expr + " (by " + key_label + "):\n" + problems + "full result:\n" + r.Describe();
  }

  // Declaration order is teardown order reversed: Prometheus and the
  // exporter stop (in TearDown) before the targets and the directory go.
  TempDir tmp_;
  RefusedPort refused_;
  std::unique_ptr<TestHttpServer> server_;
  std::string healthy_url_;
  std::string down_url_;
  std::string refused_url_;
  std::unique_ptr<ExporterProcess> exporter_;
  std::unique_ptr<PrometheusProcess> prometheus_;
};

TEST_F(PrometheusE2eTest, PrometheusRecordsProbeResultsFromBothScrapeModes) {
  ASSERT_TRUE(StartExporter());
  ASSERT_TRUE(StartPrometheus());

  // Both jobs scraped successfully: 3 /probe targets and the /metrics target.
  const std::map<std::string, double> blackbox_up = {
      {healthy_url_, 1}, {down_url_, 1}, {kUnresolvableUrl, 1}};
  ASSERT_TRUE(Eventually("both jobs to be up", Clock::now() + kTargetsUpTimeout, [&] {
    std::string problems = CheckValues(R"(up{job="blackbox"})", "instance", blackbox_up);
    problems += CheckValues(R"(up{job="outage"})", "instance", {{ExporterAddress(), 1}});
    return problems;
  }));

  const Clock::time_point deadline = Clock::now() + kAssertionsTimeout;

  // --- multi-target job: one instance per probed URL ---------------------------
  Eventually("blackbox probe_success", deadline, [&] {
    return CheckValues(R"(probe_success{job="blackbox"})", "instance",
                       {{healthy_url_, 1}, {down_url_, 0}, {kUnresolvableUrl, 0}});
  });
  Eventually("blackbox probe_failure_reason", deadline, [&] {
    return CheckReasons(
        R"(probe_failure_reason{job="blackbox"})", "instance",
        {{healthy_url_, "none"}, {down_url_, "http_5xx"}, {kUnresolvableUrl, "dns"}});
  });
  Eventually("blackbox probe_failure_reason to be one-hot", deadline, [&] {
    const std::map<std::string, double> one = {
        {healthy_url_, 1}, {down_url_, 1}, {kUnresolvableUrl, 1}};
    const std::map<std::string, double> all = {
        {healthy_url_, kReasonCount}, {down_url_, kReasonCount}, {kUnresolvableUrl, kReasonCount}};
    return CheckValues(R"(sum by (instance) (probe_failure_reason{job="blackbox"}))", "instance",
                       one) +
           CheckValues(R"(count by (instance) (probe_failure_reason{job="blackbox"}))", "instance",
                       all);
  });
  Eventually("blackbox probe_http_status_code", deadline, [&] {
    return CheckValues(R"(probe_http_status_code{job="blackbox"})", "instance",
                       {{healthy_url_, 200}, {down_url_, 503}, {kUnresolvableUrl, 0}});
  });

  // --- configured-targets job: one exporter instance, a `target` label -------
  const std::string outage_series = R"({job="outage",module="http_2xx",service="e2e"})";
  Eventually("outage probe_success", deadline, [&] {
    return CheckValues("probe_success" + outage_series, "target",
                       {{healthy_url_, 1}, {down_url_, 0}, {refused_url_, 0}});
  });
  Eventually("outage probe_failure_reason", deadline, [&] {
    return CheckReasons(
        "probe_failure_reason" + outage_series, "target",
        {{healthy_url_, "none"}, {down_url_, "http_5xx"}, {refused_url_, "network"}});
  });
  Eventually("outage probe_failure_reason to be one-hot", deadline, [&] {
    return CheckValues("sum by (target) (probe_failure_reason" + outage_series + ")", "target",
                       {{healthy_url_, 1}, {down_url_, 1}, {refused_url_, 1}}) +
           CheckValues("count by (target) (probe_failure_reason" + outage_series + ")", "target",
                       {{healthy_url_, kReasonCount},
                        {down_url_, kReasonCount},
                        {refused_url_, kReasonCount}});
  });
  Eventually("outage_exporter_config_last_reload_successful", deadline, [&] {
    return CheckValues(R"(outage_exporter_config_last_reload_successful{job="outage"})", "job",
                       {{"outage", 1}});
  });

  // outage_probes_total keeps counting across scrapes.
  std::map<std::string, double> first_counts;
  Eventually("outage_probes_total for every target", deadline, [&] {
    const QueryResult r = Query("outage_probes_total" + outage_series);
    if (!r.ok || r.samples.size() != 3) return "outage_probes_total -> " + r.Describe();
    first_counts.clear();
    for (const QuerySample& s : r.samples) {
      const auto target = s.labels.find("target");
      if (target == s.labels.end()) return "a series without target:\n" + r.Describe();
      first_counts[target->second] = s.value;
    }
    return std::string();
  });
  if (first_counts.size() == 3) {
    Eventually("outage_probes_total to increase on a later scrape", deadline, [&] {
      const QueryResult r = Query("outage_probes_total" + outage_series);
      if (!r.ok) return r.Describe();
      std::string problems;
      for (const auto& [target, first] : first_counts) {
        bool increased = false;
        for (const QuerySample& s : r.samples) {
          const auto it = s.labels.find("target");
          if (it != s.labels.end() && it->second == target && s.value > first) increased = true;
        }
        if (!increased) {
          problems += "  " + target + ": still " + FormatValue(first) + " or less\n";
        }
      }
      return problems.empty() ? problems : problems + "now:\n" + r.Describe();
    });
  }

  // The latency histogram is usable the way dashboards use it.
  Eventually("histogram_quantile over outage_probe_duration_seconds", deadline, [&] {
    const std::string expr =
        "histogram_quantile(0.5, sum by (le, target) "
        "(rate(outage_probe_duration_seconds_bucket{job=\"outage\"}[30s])))";
    const QueryResult r = Query(expr);
    if (!r.ok || r.result_type != "vector" || r.samples.size() != 3) {
      return expr + " -> " + r.Describe();
    }
    for (const QuerySample& s : r.samples) {
      if (!std::isfinite(s.value) || s.value < 0 || s.value > 10) {
        return expr + " -> a median outside [0, 10] s:\n" + r.Describe();
      }
    }
    return std::string();
  });
}

}  // namespace
}  // namespace outage::test
