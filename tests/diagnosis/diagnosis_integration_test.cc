// Runs the real exporter against a loopback HTTP server whose targets and
// status page the test flips between scrapes, and reads the diagnosis off
// /metrics: state transitions exactly at the thresholds, local_network when
// the control target fails too, maintenance windows, the vendor's status
// page, and min_interval sharing. Every scrape must pass promtool.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tests/integration/probe_assertions.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/rfc3339.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kModules[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 3s
    http:
      preferred_ip_protocol: ip4
)";

// A Statuspage summary with one component in `status` and, optionally, a
// maintenance in progress and an unresolved incident.
std::string Summary(const std::string& status, const std::string& indicator = "none",
                    bool incident = false) {
  std::string json = R"({"page": {"id": "p1", "name": "Vendor"},
    "status": {"indicator": ")" +
                     indicator + R"(", "description": "x"},
    "components": [
      {"id": "g1", "name": "Platform", "status": ")" +
                     status + R"(", "group": true, "group_id": null},
      {"id": "c1", "name": "API", "status": ")" +
                     status + R"(", "group": false, "group_id": "g1"}],
    "incidents": [)";
  if (incident) {
    json += R"({"id": "i1", "name": "API errors", "status": "investigating",
                "impact": "major", "shortlink": "https://stspg.io/x1", "components": []})";
  }
  return json + R"(], "scheduled_maintenances": []})";
}

// Switch is a route whose answer the test changes between scrapes.
class Switch {
 public:
  explicit Switch(int status = 200, std::string body = "ok\n") : status_(status), body_(body) {}
  void Set(int status, std::string body = "ok\n") {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  Handler AsHandler() {
    return [this](const ServerRequest&, ResponseWriter& w) {
      int status;
      std::string body;
      {
        std::lock_guard<std::mutex> lock(mu_);
        status = status_;
        body = body_;
      }
      w.Respond(status, {{"Content-Type", "application/json"}}, body);
    };
  }

 private:
  std::mutex mu_;
  int status_;
  std::string body_;
};

class DiagnosisIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
    server_->Route("/control", control_.AsHandler());
    server_->Route("/target", target_.AsHandler());
    server_->Route("/shared", Reply(200, {}, "ok\n"));
    server_->Route("/vendor/api/v2/summary.json", vendor_status_.AsHandler());
  }

  void TearDown() override {
    if (HasFailure() && exporter_ != nullptr) {
      std::cerr << "---- exporter stderr ----\n" << exporter_->Stderr() << "\n";
    }
  }

  // Start runs the exporter with a control target, `target_yaml` (extra
  // keys of the /target entry, or further targets), `extra` top-level
  // sections, and the vendor status page.
  bool Start(const std::string& target_yaml, const std::string& extra = "",
             const std::string& refresh_interval = "200ms") {
    const std::string yaml =
        std::string(kModules) +
        "global:\n  failure_threshold: 2\n  recovery_threshold: 2\n"
        "status_pages:\n  - name: vendor\n    url: " +
        server_->Url("/vendor") + "\n    refresh_interval: " + refresh_interval + "\n" + extra +
        "targets:\n"
        "  - target: " +
        server_->Url("/control") +
        "\n    module: http_2xx\n    control: true\n"
        "  - target: " +
        server_->Url("/target") + "\n    module: http_2xx\n    labels: {service: vendor}\n" +
        target_yaml;
    const std::string path = tmp_.WriteFile("config.yml", yaml);
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + path}, &error);
    EXPECT_NE(exporter_, nullptr) << error;
    return exporter_ != nullptr;
  }

  MetricsText Scrape() { return GetExposition(exporter_->BaseUrl() + "/metrics"); }

  // State is the one state set to 1 in outage_state for `path`.
  std::string State(const MetricsText& m, const std::string& path) {
    std::string set;
    for (const Sample& s : m.Find("outage_state", {{"target", server_->Url(path)}})) {
      if (s.value == 1) set += (set.empty() ? "" : ",") + s.labels.at("state");
    }
    return set.empty() ? "<none>" : set;
  }
  std::string Reason(const MetricsText& m, const std::string& path) {
    return m.FailureReason({{"target", server_->Url(path)}});
  }
  double Value(const MetricsText& m, const std::string& name, const std::string& path) {
    return m.Value(name, {{"target", server_->Url(path)}}).value_or(-1);
  }

  TempDir tmp_;
  Switch control_;
  Switch target_;
  Switch vendor_status_{200, Summary("operational")};
  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(DiagnosisIntegrationTest, StateChangesExactlyAtTheThresholds) {
  ASSERT_TRUE(Start("    failure_threshold: 3\n"));
  MetricsText m = Scrape();
  EXPECT_EQ(State(m, "/target"), "unknown");
  EXPECT_EQ(m.Value("outage_vantage_network_up"), 1);
  m = Scrape();
  EXPECT_EQ(State(m, "/target"), "up");  // recovery_threshold 2
  EXPECT_EQ(Value(m, "outage_state_changes_total", "/target"), 1);
  // The target labels carry over to the diagnosis series.
  EXPECT_TRUE(m.Has("outage_state", {{"service", "vendor"}, {"state", "up"}}));

  target_.Set(503);
  for (int failures = 1; failures <= 2; ++failures) {
    m = Scrape();
    EXPECT_EQ(Reason(m, "/target"), "http_5xx");
    EXPECT_EQ(State(m, "/target"), "up") << failures << " failures";
    EXPECT_EQ(Value(m, "outage_consecutive_failures", "/target"), failures);
  }
  m = Scrape();  // the target's own failure_threshold: 3
  EXPECT_EQ(State(m, "/target"), "down");
  EXPECT_EQ(Value(m, "outage_state_changes_total", "/target"), 2);
  const double down_since = Value(m, "outage_last_state_change_timestamp_seconds", "/target");
  EXPECT_NEAR(down_since, static_cast<double>(std::time(nullptr)), 5);
  EXPECT_EQ(State(m, "/control"), "up");

  std::this_thread::sleep_for(milliseconds(300));
  target_.Set(200);
  m = Scrape();
  EXPECT_EQ(Reason(m, "/target"), "none");
  EXPECT_EQ(State(m, "/target"), "down");
  const double down_seconds = Value(m, "outage_down_seconds_total", "/target");
  EXPECT_GE(down_seconds, 0.3);
  m = Scrape();
  EXPECT_EQ(State(m, "/target"), "up");
  EXPECT_EQ(Value(m, "outage_state_changes_total", "/target"), 3);
  EXPECT_GE(Value(m, "outage_down_seconds_total", "/target"), down_seconds);
  EXPECT_EQ(Value(m, "outage_probes_total", "/target"), 7);
  EXPECT_EQ(m.Value("outage_probe_failures_total",
                    {{"target", server_->Url("/target")}, {"reason", "http_5xx"}}),
            3);
}

TEST_F(DiagnosisIntegrationTest, ControlFailingTooMeansLocalNetwork) {
  ASSERT_TRUE(Start(""));
  Scrape();
  Scrape();
  control_.Set(503);
  target_.Set(503);
  for (int i = 0; i < 3; ++i) {
    const MetricsText m = Scrape();
    EXPECT_EQ(m.Value("outage_vantage_network_up"), 0);
    EXPECT_EQ(Reason(m, "/target"), "local_network");
    EXPECT_EQ(State(m, "/target"), "unknown");
    EXPECT_EQ(Reason(m, "/control"), "http_5xx");  // a control keeps its own reason
  }
  const MetricsText m = Scrape();
  EXPECT_EQ(State(m, "/control"), "down");
  EXPECT_EQ(m.Value("outage_probe_failures_total",
                    {{"target", server_->Url("/target")}, {"reason", "local_network"}}),
            4);
  // Our network is back but the target still fails: it is theirs, now.
  control_.Set(200);
  const MetricsText after = Scrape();
  EXPECT_EQ(after.Value("outage_vantage_network_up"), 1);
  EXPECT_EQ(Reason(after, "/target"), "http_5xx");
  EXPECT_EQ(State(after, "/target"), "unknown");
  EXPECT_EQ(State(Scrape(), "/target"), "down");
}

TEST_F(DiagnosisIntegrationTest, OpenWindowMeansMaintenance) {
  const std::time_t now = std::time(nullptr);
  ASSERT_TRUE(Start("    maintenance:\n      - name: upgrade\n        start: " +
                    Rfc3339Utc(now - 3600) + "\n        end: " + Rfc3339Utc(now + 3600) + "\n"));
  target_.Set(503);
  for (int i = 0; i < 3; ++i) {
    const MetricsText m = Scrape();
    EXPECT_EQ(Reason(m, "/target"), "maintenance");
    EXPECT_EQ(State(m, "/target"), "maintenance");
    EXPECT_EQ(Value(m, "outage_maintenance_active", "/target"), 1);
    EXPECT_EQ(Value(m, "outage_maintenance_active", "/control"), 0);
    EXPECT_EQ(Value(m, "outage_down_seconds_total", "/target"), 0);
  }
}

TEST_F(DiagnosisIntegrationTest, GlobalWindowInThePastIsClosed) {
  const std::time_t now = std::time(nullptr);
  ASSERT_TRUE(Start("", "maintenance:\n  - start: " + Rfc3339Utc(now - 7200) +
                            "\n    end: " + Rfc3339Utc(now - 3600) + "\n"));
  target_.Set(503);
  Scrape();
  const MetricsText m = Scrape();
  EXPECT_EQ(Reason(m, "/target"), "http_5xx");
  EXPECT_EQ(State(m, "/target"), "down");
  EXPECT_EQ(Value(m, "outage_maintenance_active", "/target"), 0);
}

TEST_F(DiagnosisIntegrationTest, VendorStatusPage) {
  ASSERT_TRUE(Start("    status_page: {page: vendor, components: [API]}\n"));
  MetricsText m = Scrape();
  EXPECT_EQ(m.Value("statuspage_up", {{"page", "vendor"}}), 1);
  EXPECT_GT(m.Value("statuspage_last_success_timestamp_seconds", {{"page", "vendor"}}).value_or(0),
            0);
  EXPECT_EQ(m.Value("statuspage_indicator", {{"page", "vendor"}, {"indicator", "none"}}), 1);
  EXPECT_EQ(m.Value("statuspage_component_status",
                    {{"component", "API"}, {"group", "Platform"}, {"status", "operational"}}),
            1);
  EXPECT_EQ(m.Value("statuspage_component_status",
                    {{"component", "Platform"}, {"group", ""}, {"status", "operational"}}),
            1);
  EXPECT_EQ(Value(m, "outage_vendor_confirmed", "/target"), 0);

  // The vendor announces maintenance on the linked component.
  vendor_status_.Set(200, Summary("under_maintenance", "maintenance"));
  target_.Set(503);
  std::this_thread::sleep_for(milliseconds(300));  // past refresh_interval
  m = Scrape();
  EXPECT_EQ(m.Value("statuspage_maintenance_active", {{"page", "vendor"}}), 1);
  EXPECT_EQ(Reason(m, "/target"), "maintenance");
  EXPECT_EQ(State(m, "/target"), "maintenance");
  EXPECT_EQ(Value(m, "outage_maintenance_active", "/target"), 1);

  // Now it confirms an outage, with an incident.
  vendor_status_.Set(200, Summary("major_outage", "major", true));
  std::this_thread::sleep_for(milliseconds(300));
  m = Scrape();
  EXPECT_EQ(Reason(m, "/target"), "http_5xx");
  EXPECT_EQ(Value(m, "outage_vendor_confirmed", "/target"), 1);
  EXPECT_EQ(m.Value("statuspage_incidents", {{"page", "vendor"}, {"impact", "major"}}), 1);
  EXPECT_EQ(m.Value("statuspage_incidents", {{"page", "vendor"}, {"impact", "minor"}}), 0);
  EXPECT_EQ(m.Value("statuspage_incident_info", {{"page", "vendor"},
                                                 {"name", "API errors"},
                                                 {"impact", "major"},
                                                 {"status", "investigating"},
                                                 {"shortlink", "https://stspg.io/x1"}}),
            1);

  // The page breaks: the last good copy is still served, marked stale.
  vendor_status_.Set(200, "{\"status\": {\"indica");
  std::this_thread::sleep_for(milliseconds(300));
  m = Scrape();
  EXPECT_EQ(m.Value("statuspage_up", {{"page", "vendor"}}), 0);
  EXPECT_EQ(m.Value("statuspage_indicator", {{"page", "vendor"}, {"indicator", "major"}}), 1);
  EXPECT_EQ(Value(m, "outage_vendor_confirmed", "/target"), 1);
  // ...and the operator is told which page failed and why.
  const std::string log = exporter_->Stderr();
  EXPECT_NE(log.find("status page fetch failed"), std::string::npos) << log;
  EXPECT_NE(log.find("page=vendor err=\"unparsable summary:"), std::string::npos) << log;
}

TEST_F(DiagnosisIntegrationTest, VendorStatusFetchedAtMostOncePerRefreshInterval) {
  ASSERT_TRUE(Start("", "", "1h"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Scrape().Value("statuspage_up", {{"page", "vendor"}}), 1);
  }
  EXPECT_EQ(server_->RequestCount("/vendor/api/v2/summary.json"), 1);
}

TEST_F(DiagnosisIntegrationTest, MinIntervalSharesOneProbe) {
  ASSERT_TRUE(Start("  - target: " + server_->Url("/shared") +
                    "\n    module: http_2xx\n    min_interval: 1h\n"));
  const MetricsText first = Scrape();
  std::this_thread::sleep_for(milliseconds(50));
  const MetricsText second = Scrape();
  EXPECT_EQ(server_->RequestCount("/shared"), 1);
  EXPECT_EQ(server_->RequestCount("/target"), 2);
  EXPECT_EQ(Value(second, "outage_probes_total", "/shared"), 1);
  EXPECT_EQ(Value(second, "probe_success", "/shared"), 1);
  EXPECT_EQ(Value(first, "outage_probe_last_run_timestamp_seconds", "/shared"),
            Value(second, "outage_probe_last_run_timestamp_seconds", "/shared"));
  EXPECT_LT(Value(first, "outage_probe_last_run_timestamp_seconds", "/target"),
            Value(second, "outage_probe_last_run_timestamp_seconds", "/target"));
  // The state advanced once: one success is not yet recovery_threshold 2.
  EXPECT_EQ(State(second, "/shared"), "unknown");
}

}  // namespace
}  // namespace outage::test
