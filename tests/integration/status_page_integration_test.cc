// The status page's endpoints on the real binary: /logs by id and by
// target (404 once a probe has aged out of --history.limit, failures kept
// longer), /probe?debug=true and /logs printing the same log, the
// /api/v1/status document, the page's headers and refresh, and no secret
// on any of them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kModules[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 3s
    http:
      preferred_ip_protocol: ip4
)";

class StatusPageIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
    server_->Route("/ok", Reply(200, {}, "ok\n"));
    server_->Route("/fail", Reply(503, {}, "down\n"));
  }
  void TearDown() override {
    if (HasFailure() && exporter_ != nullptr) {
      std::cerr << "---- exporter stderr ----\n" << exporter_->Stderr() << "\n";
    }
  }

  // Start runs the exporter with `targets` (YAML list items) and `flags`.
  void Start(const std::string& targets, std::vector<std::string> flags = {}) {
    const std::string yaml =
        std::string(kModules) + (targets.empty() ? "" : "targets:\n" + targets);
    flags.push_back("--config.file=" + tmp_.WriteFile("config.yml", yaml));
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags(flags, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  HttpResponse Get(const std::string& path) { return HttpGet(exporter_->BaseUrl() + path); }
  HttpResponse Probe(const std::string& path, bool debug = false) {
    return Get("/probe?module=http_2xx&target=" + UrlEncode(server_->Url(path)) +
               (debug ? "&debug=true" : ""));
  }

  TempDir tmp_;
  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(StatusPageIntegrationTest, LogsOfAProbeThatAgedOutAnswer404) {
  ASSERT_NO_FATAL_FAILURE(Start("", {"--history.limit=2"}));
  for (int i = 0; i < 4; ++i) ASSERT_EQ(Probe("/ok").status, 200);
  const HttpResponse aged = Get("/logs?id=1");
  EXPECT_EQ(aged.status, 404);
  EXPECT_THAT(aged.body, HasSubstr("--history.limit=2"));
  EXPECT_EQ(Get("/logs?id=2").status, 404);
  EXPECT_EQ(Get("/logs?id=5").status, 404) << "never existed";
  const HttpResponse kept = Get("/logs?id=4");
  EXPECT_EQ(kept.status, 200);
  EXPECT_EQ(kept.headers.at("content-type"), "text/plain; charset=utf-8");
  EXPECT_THAT(kept.body, HasSubstr("msg=\"Beginning probe\""));
  EXPECT_EQ(Get("/logs?id=abc").status, 400);
  EXPECT_EQ(Get("/logs?id=-1").status, 400);
  EXPECT_EQ(Get("/logs").status, 400);
}

TEST_F(StatusPageIntegrationTest, AFailureOutlivesLaterSuccesses) {
  ASSERT_NO_FATAL_FAILURE(Start("", {"--history.limit=2"}));
  ASSERT_EQ(Probe("/fail").status, 200);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Probe("/ok").status, 200);
  const HttpResponse failure = Get("/logs?id=1");
  EXPECT_EQ(failure.status, 200);
  EXPECT_THAT(failure.body, HasSubstr("status_code=503"));
  EXPECT_EQ(Get("/logs?id=2").status, 404);
}

TEST_F(StatusPageIntegrationTest, LogsByTargetAndModuleServeTheLatest) {
  ASSERT_NO_FATAL_FAILURE(Start(""));
  ASSERT_EQ(Probe("/ok").status, 200);
  ASSERT_EQ(Probe("/ok").status, 200);
  const std::string target = UrlEncode(server_->Url("/ok"));
  const HttpResponse latest = Get("/logs?module=http_2xx&target=" + target);
  EXPECT_EQ(latest.status, 200);
  EXPECT_EQ(latest.body, Get("/logs?id=2").body);
  EXPECT_EQ(Get("/logs?module=other&target=" + target).status, 404);
  EXPECT_EQ(Get("/logs?module=http_2xx&target=" + UrlEncode(server_->Url("/nope"))).status, 404);
}

TEST_F(StatusPageIntegrationTest, DebugProbeAndLogsPrintTheSameLog) {
  ASSERT_NO_FATAL_FAILURE(Start(""));
  const HttpResponse debug = Probe("/ok", true);
  ASSERT_EQ(debug.status, 200);
  const std::string head = "Logs for the probe:\n";
  ASSERT_THAT(debug.body, StartsWith(head));
  const std::string section =
      debug.body.substr(head.size(), debug.body.find("\n\n\nMetrics") - head.size());
  EXPECT_THAT(section, HasSubstr("level=debug"));
  EXPECT_EQ(Get("/logs?id=1").body, section);
}

TEST_F(StatusPageIntegrationTest, StatusApiDescribesServicesTargetsAndProbes) {
  server_->Route("/broken", Reply(500, {}, "bug\n"));
  ASSERT_NO_FATAL_FAILURE(Start("  - {target: '" + server_->Url("/ok") +
                                "', module: http_2xx, labels: {service: shop}}\n"
                                "  - {target: '" +
                                server_->Url("/fail") +
                                "', module: http_2xx, labels: {service: shop}}\n"
                                "  - {target: '" +
                                server_->Url("/broken") + "', module: http_2xx}\n"));
  for (int i = 0; i < 2; ++i) ASSERT_EQ(Get("/metrics").status, 200);  // thresholds are 2
  const HttpResponse r = Get("/api/v1/status");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  const nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_TRUE(j["exporter"]["version"].is_string());
  EXPECT_EQ(j["exporter"]["config_last_reload_successful"], true);
  EXPECT_EQ(j["group_label"], "service");
  ASSERT_EQ(j["services"].size(), 2u) << j.dump(2);
  const nlohmann::json& shop = j["services"][1];  // degraded, after down
  EXPECT_EQ(shop["name"], "shop");
  EXPECT_EQ(shop["verdict"], "degraded");
  ASSERT_EQ(shop["targets"].size(), 2u);
  EXPECT_EQ(shop["targets"][0]["state"], "up");
  EXPECT_EQ(shop["targets"][1]["state"], "down");
  EXPECT_EQ(shop["targets"][1]["latest_probe"]["reason"], "http_5xx");
  EXPECT_EQ(shop["targets"][1]["recent_probes"].size(), 2u);
  const nlohmann::json& broken = j["services"][0];
  EXPECT_EQ(broken["name"], server_->Url("/broken"));
  EXPECT_EQ(broken["verdict"], "down");
  EXPECT_EQ(broken["reason"], "http_5xx");
  EXPECT_EQ(broken["headline"], "Down \u2014 server errors (5xx)");
  EXPECT_TRUE(broken["since"].is_string());
  EXPECT_EQ(j["recent_probes"].size(), 6u);
  // Every log_url in the document resolves.
  for (const auto& p : j["recent_probes"]) {
    EXPECT_EQ(Get(p["log_url"].get<std::string>()).status, 200) << p.dump();
  }
}

TEST_F(StatusPageIntegrationTest, PageHeadersAndRefresh) {
  ASSERT_NO_FATAL_FAILURE(Start("", {"--web.status-refresh=7"}));
  const HttpResponse page = Get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_THAT(page.headers.at("content-security-policy"),
              StartsWith("default-src 'none'; style-src 'sha256-"));
  EXPECT_EQ(page.headers.at("x-content-type-options"), "nosniff");
  EXPECT_THAT(page.body, HasSubstr("<meta http-equiv=\"refresh\" content=\"7\">"));
  EXPECT_THAT(Get("/?refresh=0").body, Not(HasSubstr("http-equiv=\"refresh\"")));
  EXPECT_THAT(Get("/?refresh=60").body, HasSubstr("content=\"60\""));
  EXPECT_EQ(Get("/?refresh=soon").status, 400);
  EXPECT_EQ(Get("/?refresh=99999").status, 400);
}

TEST_F(StatusPageIntegrationTest, NoSecretOnThePageTheApiOrTheLogs) {
  const std::string secret = "pa55-very-secret-93";
  const std::string target =
      "http://alice:" + secret + "@127.0.0.1:" + std::to_string(server_->Port()) + "/ok";
  ASSERT_NO_FATAL_FAILURE(Start("  - {target: '" + target + "', module: http_2xx}\n"));
  ASSERT_EQ(Get("/metrics").status, 200);
  ASSERT_EQ(Get("/probe?module=http_2xx&debug=true&target=" + UrlEncode(target)).status, 200);
  const std::vector<std::string> paths = {"/", "/api/v1/status", "/logs?id=1", "/logs?id=2",
                                          "/logs?module=http_2xx&target=" + UrlEncode(target)};
  for (const std::string& path : paths) {
    const HttpResponse r = Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_THAT(r.body, Not(HasSubstr(secret))) << path;
  }
}

}  // namespace
}  // namespace outage::test
