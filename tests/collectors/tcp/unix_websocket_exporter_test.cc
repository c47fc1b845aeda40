// The real outage_exporter binary probing a Unix-socket server and a
// loopback websocket server through /probe: the output Prometheus scrapes
// is linted with `promtool check metrics`, and the debug page is read.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/collectors/tcp/tcp_test_servers.h"
#include "tests/collectors/tcp/websocket_test_server.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/temp_dir.h"

namespace outage::test {
namespace {

class UnixWebsocketExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string config = dir_.WriteFile("outage.yml", R"yaml(modules:
  unix_hello:
    prober: unix
    timeout: 5s
    unix:
      query_response:
        - expect: "^HELLO v(\\d+)"
          labels:
            - {name: version, value: "${1}"}
  ws_echo:
    prober: websocket
    timeout: 5s
    websocket:
      http_config:
        bearer_token: s3cr3t-token
      query_response:
        - expect: "^hello"
          send: "hi there"
        - expect: "^echo: hi there$"
probe_policy:
  deny:
    - 192.0.2.0/24
    - /run/docker.sock
)yaml");
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + config}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  HttpResponse Get(const std::string& target, const std::string& module,
                   const std::string& extra = "") {
    return HttpGet(exporter_->BaseUrl() + "/probe?target=" + UrlEncode(target) +
                   "&module=" + module + extra);
  }

  MetricsText Probe(const std::string& target, const std::string& module) {
    return GetExposition(exporter_->BaseUrl() + "/probe?target=" + UrlEncode(target) +
                         "&module=" + module);
  }

  TempDir dir_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(UnixWebsocketExporterTest, UnixProbeIsLintCleanAndDebuggable) {
  const std::string path = dir_.PathOf("app.sock");
  std::string error;
  auto server =
      ScriptedServer::StartUnix([](ServerConn& c) { c.Write("HELLO v3\n"); }, path, &error);
  ASSERT_NE(server, nullptr) << error;
  MetricsText m = Probe(path, "unix_hello");
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(m.FailureReason(), "none");
  EXPECT_EQ(m.Value("probe_expect_info", {{"version", "3"}}), 1);

  const HttpResponse debug = Get(path, "unix_hello", "&debug=true");
  EXPECT_NE(debug.body.find("Dialing unix without TLS"), std::string::npos) << debug.body;
  EXPECT_NE(debug.body.find("prober: unix"), std::string::npos) << debug.body;
}

TEST_F(UnixWebsocketExporterTest, UnixTargetMustBeAnAbsolutePathThePolicyAllows) {
  const HttpResponse r = Get("run/app.sock", "unix_hello");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("absolute path"), std::string::npos) << r.body;
  const HttpResponse denied = Get("/run/docker.sock", "unix_hello");
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("probe_policy"), std::string::npos) << denied.body;
}

TEST_F(UnixWebsocketExporterTest, WebsocketProbeIsLintCleanAndHidesTheToken) {
  ScriptedServer* self = nullptr;
  std::string error;
  auto server = ScriptedServer::Start(UpgradeThen(&self, nullptr, Upgrade{}, Echo(&self)), &error);
  ASSERT_NE(server, nullptr) << error;
  self = server.get();
  const std::string url = "ws://127.0.0.1:" + std::to_string(server->Port()) + "/feed";
  MetricsText m = Probe(url, "ws_echo");
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(m.Value("probe_websocket_status_code"), 101);
  EXPECT_EQ(m.Value("probe_websocket_connection_upgraded"), 1);
  EXPECT_EQ(m.Value("probe_websocket_failed_due_to_regex"), 0);

  const HttpResponse debug = Get(url, "ws_echo", "&debug=true");
  EXPECT_NE(debug.body.find("Websocket connection upgraded"), std::string::npos) << debug.body;
  EXPECT_NE(debug.body.find("bearer_token: <secret>"), std::string::npos) << debug.body;
  EXPECT_EQ(debug.body.find("s3cr3t-token"), std::string::npos) << debug.body;
}

TEST_F(UnixWebsocketExporterTest, WebsocketTargetsObeyProbePolicy) {
  // Refused up front, so nothing is sent to the documentation address.
  const HttpResponse r = Get("ws://192.0.2.10/feed", "ws_echo");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("probe_policy"), std::string::npos) << r.body;
  EXPECT_EQ(Get("http://127.0.0.1/", "ws_echo").status, 400);
}

}  // namespace
}  // namespace outage::test
