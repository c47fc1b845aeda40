// The websocket prober in-process (through ProbeEngine) against websocket
// servers written here on 127.0.0.1: an echo server over ws:// and wss://
// (certificates from test_certs), one that answers with a wrong
// Sec-WebSocket-Accept, one that never upgrades, and one that goes silent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "collectors/probe_engine.h"
#include "collectors/websocket/websocket_codec.h"
#include "tests/collectors/probe_outcome.h"
#include "tests/collectors/tcp/tcp_test_servers.h"
#include "tests/collectors/tcp/websocket_test_server.h"
#include "tests/support/test_certs.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;

constexpr char kEchoDialogue[] = R"yaml(      query_response:
        - expect: "^hello (\\w+)"
          send: "hi ${1}"
        - expect: "^echo: hi there$"
          labels:
            - name: reply
              value: "ok"
)yaml";

class WebsocketProberTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signal(SIGPIPE, SIG_IGN);
    std::string error;
    certs_ = SharedTestCerts(&error);
    ASSERT_NE(certs_, nullptr) << error;
  }

  ProbeOutcome Probe(const std::string& section, const std::string& target,
                     milliseconds timeout = milliseconds(3000), const std::string& extra = "") {
    return RunProbe(engine_, "websocket", section, target, timeout, extra);
  }

  // Serve starts a server whose script may record into the server itself.
  std::unique_ptr<ScriptedServer> Serve(Upgrade upgrade,
                                        std::function<void(ServerConn&)> after = nullptr) {
    std::string error;
    auto server = ScriptedServer::Start(
        UpgradeThen(&self_, certs_, upgrade, after ? std::move(after) : Echo(&self_)), &error);
    EXPECT_NE(server, nullptr) << error;
    self_ = server.get();
    return server;
  }

  static std::string Url(const ScriptedServer& server, const std::string& scheme = "ws") {
    return scheme + "://127.0.0.1:" + std::to_string(server.Port()) + "/chat?room=1";
  }

  static const TestCerts* certs_;
  ScriptedServer* self_ = nullptr;
  ProbeEngine engine_;
};

const TestCerts* WebsocketProberTest::certs_ = nullptr;

bool Has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// EventuallyHas waits up to 2 s for the server to record `line`: the probe
// may finish before the server's thread has read its last frame.
bool EventuallyHas(const ScriptedServer& server, const std::string& line) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!Has(server.Transcript(), line)) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

TEST_F(WebsocketProberTest, EchoDialogueSucceeds) {
  auto server = Serve({});
  const std::string section = std::string(kEchoDialogue) +
                              "      http_config:\n"
                              "        basic_auth: {username: probe, password: pw}\n"
                              "        headers:\n"
                              "          X-Probe: [one, two]\n";
  ProbeOutcome out = Probe(section, Url(*server));
  EXPECT_TRUE(out.result.success) << out.result.log.Text();
  EXPECT_EQ(SampleValue(out.result, "probe_websocket_status_code"), 101);
  EXPECT_EQ(SampleValue(out.result, "probe_websocket_connection_upgraded"), 1);
  EXPECT_EQ(SampleValue(out.result, "probe_websocket_failed_due_to_regex"), 0);
  EXPECT_EQ(SampleValue(out.result, "probe_expect_info", {{"reply", "ok"}}), 1);
  const std::vector<std::string> seen = server->Transcript();
  EXPECT_TRUE(Has(seen, "GET /chat?room=1 HTTP/1.1"));
  EXPECT_TRUE(Has(seen, "Authorization: Basic cHJvYmU6cHc="));
  EXPECT_TRUE(Has(seen, "X-Probe: one"));
  EXPECT_TRUE(Has(seen, "X-Probe: two"));
  // The ping was answered with its payload, the reply sent as a masked text
  // message, and the connection closed politely.
  EXPECT_TRUE(Has(seen, "masked 10 are you there"));
  EXPECT_TRUE(Has(seen, "masked 1 hi there"));
  EXPECT_TRUE(EventuallyHas(*server, "masked 8 \x03\xe8"));
}

TEST_F(WebsocketProberTest, WssVerifiesTheServerCertificate) {
  auto server = Serve(OverTls());
  const std::string section = std::string(kEchoDialogue) +
                              "      http_config:\n"
                              "        tls_config:\n"
                              "          ca_file: " +
                              certs_->ca.cert_path + "\n";
  ProbeOutcome out = Probe(section, Url(*server, "wss"));
  EXPECT_TRUE(out.result.success) << out.result.log.Text();
  EXPECT_TRUE(SampleValue(out.result, "probe_ssl_earliest_cert_expiry").has_value());
}

TEST_F(WebsocketProberTest, WssWithAnUntrustedCertificateIsATlsFailure) {
  auto server = Serve(OverTls());
  ProbeOutcome out = Probe(kEchoDialogue, Url(*server, "wss"));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "tls");
}

TEST_F(WebsocketProberTest, WrongAcceptHeaderIsAProtocolFailure) {
  auto server = Serve(WithWrongAccept());
  ProbeOutcome out = Probe(kEchoDialogue, Url(*server));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "protocol");
  EXPECT_EQ(SampleValue(out.result, "probe_websocket_connection_upgraded"), 0);
  EXPECT_TRUE(LogHas(out.result, "Sec-WebSocket-Accept does not match")) << out.result.log.Text();
}

TEST_F(WebsocketProberTest, ServerThatNeverUpgradesIsAProtocolFailureWithItsStatus) {
  auto server = Serve(WithStatus("200 OK"));
  ProbeOutcome out = Probe(kEchoDialogue, Url(*server));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "protocol");
  EXPECT_EQ(SampleValue(out.result, "probe_websocket_status_code"), 200);
  EXPECT_EQ(SampleValue(out.result, "probe_websocket_connection_upgraded"), 0);
  EXPECT_TRUE(LogHas(out.result, "status 200")) << out.result.log.Text();
}

TEST_F(WebsocketProberTest, WrongMessageIsAContentFailure) {
  auto server = Serve({});
  ProbeOutcome out = Probe(R"yaml(      query_response:
        - expect: "^welcome"
)yaml",
                           Url(*server));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "content");
  EXPECT_EQ(SampleValue(out.result, "probe_websocket_failed_due_to_regex"), 1);
}

TEST_F(WebsocketProberTest, ServerThatHangsUpAfterTheUpgradeIsAProtocolFailure) {
  auto server = Serve({}, [](ServerConn&) {});  // upgraded, then closed
  ProbeOutcome out = Probe(kEchoDialogue, Url(*server));
  EXPECT_EQ(ReasonOf(out.result), "protocol");
  EXPECT_TRUE(LogHas(out.result, "Connection closed before the server sent a message"))
      << out.result.log.Text();
}

TEST_F(WebsocketProberTest, SilentServerTimesOut) {
  auto server = Serve({}, [](ServerConn& c) {
    std::string line;
    c.ReadLine(&line);  // upgraded, then never a message
  });
  ProbeOutcome out = Probe(kEchoDialogue, Url(*server), milliseconds(500));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "timeout");
  EXPECT_EQ(SampleValue(out.result, "probe_websocket_connection_upgraded"), 1);
  EXPECT_LT(out.elapsed_seconds, 2.0);
}

TEST_F(WebsocketProberTest, ProbePolicyGovernsTheConnection) {
  auto server = Serve({});
  ProbeOutcome out = Probe(kEchoDialogue, Url(*server), milliseconds(3000),
                           "probe_policy:\n  deny:\n    - 127.0.0.0/8\n");
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "probe_policy")) << out.result.log.Text();
  EXPECT_TRUE(server->Transcript().empty());
}

TEST_F(WebsocketProberTest, TargetsMustBeWebsocketUrls) {
  const Prober* prober = engine_.FindProber("websocket");
  ASSERT_NE(prober, nullptr);
  EXPECT_EQ(prober->CheckTarget("http://example.com/").problem,
            "the target must be a ws:// or wss:// URL");
  EXPECT_EQ(prober->CheckTarget("ws://user:pw@example.com/").problem,
            "credentials in the URL are not supported (use http_config.basic_auth)");
  EXPECT_EQ(prober->CheckTarget("wss://example.com/feed").problem, std::nullopt);
  EXPECT_EQ(prober->CheckTarget("wss://[::1]:8443/feed").host, "::1");
}

}  // namespace
}  // namespace outage::test
