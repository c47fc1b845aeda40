// --web.route-prefix, --web.external-url and repeated --web.listen-address on
// the real binary: endpoints move under the prefix, the root redirects to the
// external URL, links in /api/v1/status point where clients reach /logs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kModules[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 5s
)";

class WebPathsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    target_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(target_, nullptr) << error;
    target_->AddStandardRoutes();
  }

  void TearDown() override {
    if (HasFailure() && exporter_ != nullptr) std::cerr << exporter_->Stderr() << "\n";
  }

  bool Start(std::vector<std::string> flags) {
    flags.push_back("--config.file=" +
                    tmp_.WriteFile("c.yml", std::string(kModules) + "targets:\n  - target: " +
                                                target_->Url("/ok") + "\n    module: http_2xx\n"));
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags(flags, &error);
    EXPECT_NE(exporter_, nullptr) << error;
    return exporter_ != nullptr;
  }

  HttpResponse Get(const std::string& path) { return HttpGet(exporter_->BaseUrl() + path); }

  std::string ProbePath(const std::string& prefix) {
    return prefix + "probe?module=http_2xx&target=" + UrlEncode(target_->Url("/ok"));
  }

  // LogUrlsAfterAScrape scrapes /metrics (so the history has a probe) and
  // returns every log_url in /api/v1/status.
  std::vector<std::string> LogUrlsAfterAScrape(const std::string& prefix) {
    EXPECT_EQ(Get(prefix + "metrics").status, 200);
    const HttpResponse r = Get(prefix + "api/v1/status");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> urls;
    CollectLogUrls(nlohmann::json::parse(r.body), &urls);
    EXPECT_FALSE(urls.empty()) << r.body;
    return urls;
  }

  static void CollectLogUrls(const nlohmann::json& j, std::vector<std::string>* out) {
    if (j.is_object()) {
      for (const auto& [key, value] : j.items()) {
        if (key == "log_url" && value.is_string()) out->push_back(value.get<std::string>());
        CollectLogUrls(value, out);
      }
    } else if (j.is_array()) {
      for (const auto& value : j) CollectLogUrls(value, out);
    }
  }

  TempDir tmp_;
  std::unique_ptr<TestHttpServer> target_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(WebPathsIntegrationTest, ExternalUrlPathBecomesTheRoutePrefix) {
  ASSERT_TRUE(Start({"--web.external-url=http://outage.example:9115/team/outage/"}));
  const std::string prefix = "/team/outage/";
  EXPECT_EQ(Get(prefix + "-/healthy").status, 200);
  const HttpResponse probe = Get(ProbePath(prefix));
  ASSERT_EQ(probe.status, 200) << probe.body;
  EXPECT_EQ(MetricsText::Parse(probe.body).Value("probe_success"), 1);
  EXPECT_THAT(Get(prefix).body, HasSubstr("<html"));
  // Nothing is served outside the prefix...
  EXPECT_EQ(Get(ProbePath("/")).status, 404);
  EXPECT_EQ(Get("/metrics").status, 404);
  EXPECT_EQ(Get(prefix + "nothing-here").status, 404);
  // ...but the root and the prefix without its slash lead to the status page.
  for (const std::string path : {"/", "/team/outage"}) {
    const HttpResponse r = Get(path);
    ASSERT_EQ(r.status, 302) << path;
    ASSERT_EQ(r.headers.count("location"), 1u) << path;
    EXPECT_EQ(r.headers.at("location"), "http://outage.example:9115/team/outage/") << path;
  }
  for (const std::string& url : LogUrlsAfterAScrape(prefix)) {
    EXPECT_THAT(url, StartsWith("/team/outage/logs?id="));
    const HttpResponse log = Get(url);
    EXPECT_EQ(log.status, 200) << url;
    EXPECT_THAT(log.body, HasSubstr("Beginning probe"));
  }
}

// Behind a proxy that strips the prefix: routes at the root, links with it.
TEST_F(WebPathsIntegrationTest, RootRoutePrefixWithAnExternalPath) {
  ASSERT_TRUE(Start({"--web.external-url=http://proxy.example/outage", "--web.route-prefix=/"}));
  EXPECT_EQ(Get(ProbePath("/")).status, 200);
  EXPECT_EQ(Get("/").status, 200);
  for (const std::string& url : LogUrlsAfterAScrape("/")) {
    EXPECT_THAT(url, StartsWith("/outage/logs?id="));
    EXPECT_EQ(Get(url.substr(std::string("/outage").size())).status, 200) << url;
  }
}

TEST_F(WebPathsIntegrationTest, EveryListenAddressServes) {
  ASSERT_TRUE(Start({"--web.listen-address=127.0.0.2:0"}));  // after the harness' 127.0.0.1:0
  const std::regex listening(R"(Listening on address.* address=(127\.0\.0\.[12]):(\d+))");
  // The harness returns at the first "Listening" line; the second follows.
  std::vector<std::string> bases;
  std::string log;
  for (int attempt = 0; attempt < 50 && bases.size() < 2; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bases.clear();
    log = exporter_->Stderr();
    for (std::sregex_iterator it(log.begin(), log.end(), listening), end; it != end; ++it) {
      bases.push_back("http://" + (*it)[1].str() + ":" + (*it)[2].str());
    }
  }
  ASSERT_EQ(bases.size(), 2u) << log;
  EXPECT_NE(bases[0], bases[1]);
  for (const std::string& base : bases) {
    EXPECT_EQ(HttpGet(base + "/-/healthy").status, 200) << base;
  }
}

TEST_F(WebPathsIntegrationTest, BadExternalUrlIsOneLineAndExit1) {
  SubprocessOptions o;
  o.program = ExporterBinaryPath();
  o.args = {"--web.external-url=ftp://outage.example/", "--web.listen-address=127.0.0.1:0"};
  const RunResult r = RunSubprocess(o, std::chrono::seconds(10));
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 1) << r.stderr_text;
  EXPECT_THAT(r.stderr_text, HasSubstr("--web.external-url"));
  EXPECT_EQ(std::count(r.stderr_text.begin(), r.stderr_text.end(), '\n'), 1) << r.stderr_text;
}

// A command line written for blackbox_exporter 0.23 (every flag it has but
// --web.systemd-socket, values in its formats) is accepted unchanged.
TEST_F(WebPathsIntegrationTest, BlackboxCommandLineIsAccepted) {
  SubprocessOptions o;
  o.program = ExporterBinaryPath();
  o.args = {"--config.file=" + tmp_.WriteFile("bb.yml", kModules),
            "--config.check",
            "--timeout-offset=0.5",
            "--history.limit=100",
            "--web.external-url=http://monitor-1:9115/blackbox",
            "--web.route-prefix=/blackbox",
            "--web.listen-address=:9115",
            "--web.listen-address=127.0.0.1:9116",
            "--web.config.file=" + tmp_.WriteFile("web.yml", "basic_auth_users: {}\n"),
            "--log.level=info",
            "--log.format=logfmt"};
  const RunResult r = RunSubprocess(o, std::chrono::seconds(10));
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
}

}  // namespace
}  // namespace outage::test
