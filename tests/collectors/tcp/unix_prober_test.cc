// The unix prober in-process (through ProbeEngine): the query_response
// dialogue, plain and over TLS, with a server on a Unix socket in a
// temporary directory; a wrong expect, a missing socket, a path that is no
// socket, and a server that never answers.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <utility>

#include "collectors/probe_engine.h"
#include "tests/collectors/probe_outcome.h"
#include "tests/collectors/tcp/tcp_test_servers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;

constexpr char kHelloEcho[] = R"yaml(      query_response:
        - expect: "^HELLO v(\\d+)"
          send: "PING ${1}"
        - expect: "^ECHO PING 1$"
)yaml";

// HelloEcho greets, then echoes one line back prefixed with "ECHO ".
void HelloEcho(ServerConn& c) {
  c.Write("HELLO v1\n");
  std::string line;
  if (c.ReadLine(&line)) c.Write("ECHO " + line + "\n");
}

class UnixProberTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  ProbeOutcome Probe(const std::string& section, const std::string& target,
                     milliseconds timeout = milliseconds(3000)) {
    return RunProbe(engine_, "unix", section, target, timeout);
  }

  std::unique_ptr<ScriptedServer> Serve(ScriptedServer::Script script) {
    std::string error;
    auto server = ScriptedServer::StartUnix(std::move(script), socket_path_, &error);
    EXPECT_NE(server, nullptr) << error;
    return server;
  }

  TempDir dir_;
  const std::string socket_path_ = dir_.PathOf("app.sock");
  ProbeEngine engine_;
};

TEST_F(UnixProberTest, DialogueOverTheSocketSucceeds) {
  auto server = Serve(HelloEcho);
  ProbeOutcome out = Probe(kHelloEcho, socket_path_);
  EXPECT_TRUE(out.result.success) << out.result.log.Text();
  EXPECT_EQ(SampleValue(out.result, "probe_failed_due_to_regex"), 0);
  EXPECT_TRUE(LogHas(out.result, "Dialing unix without TLS")) << out.result.log.Text();
  // No address was looked up: no DNS or IP facts, no tcp phase metric.
  EXPECT_FALSE(SampleValue(out.result, "probe_dns_lookup_time_seconds").has_value());
  EXPECT_FALSE(SampleValue(out.result, "probe_tcp_duration_seconds", {{"phase", "connect"}}));
}

TEST_F(UnixProberTest, WrongExpectIsAContentFailure) {
  // Greets and hangs up: no line will ever match.
  auto server = Serve([](ServerConn& c) { c.Write("HELLO v1\n"); });
  ProbeOutcome out = Probe(R"yaml(      query_response:
        - expect: "^WELCOME"
)yaml",
                           socket_path_);
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "content");
  EXPECT_EQ(SampleValue(out.result, "probe_failed_due_to_regex"), 1);
  EXPECT_TRUE(LogHas(out.result, "Regexp did not match")) << out.result.log.Text();
}

TEST_F(UnixProberTest, MissingSocketIsANetworkFailureThatSaysSo) {
  ProbeOutcome out = Probe(kHelloEcho, socket_path_);
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "No such file or directory")) << out.result.log.Text();
  EXPECT_LT(out.elapsed_seconds, 1.0);
}

TEST_F(UnixProberTest, PathThatIsNoSocketIsRefusedBeforeConnecting) {
  const std::string file = dir_.WriteFile("plain.txt", "not a socket\n");
  ProbeOutcome out = Probe(kHelloEcho, file);
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "is not a socket")) << out.result.log.Text();
}

TEST_F(UnixProberTest, SocketWithoutListenerIsRefused) {
  // The socket file outlives its server: connect(2) is refused.
  Serve(HelloEcho).reset();
  ProbeOutcome out = Probe(kHelloEcho, socket_path_);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "Connection refused")) << out.result.log.Text();
}

TEST_F(UnixProberTest, SocketTheUserMayNotOpenSaysPermissionDenied) {
  if (geteuid() == 0) GTEST_SKIP() << "root opens any socket";
  auto server = Serve(HelloEcho);
  ASSERT_EQ(chmod(socket_path_.c_str(), 0), 0);
  ProbeOutcome out = Probe(kHelloEcho, socket_path_);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "permission denied")) << out.result.log.Text();
}

TEST_F(UnixProberTest, SilentServerTimesOut) {
  auto server = Serve([](ServerConn& c) {
    std::string line;
    c.ReadLine(&line);  // waits for a line that never comes
  });
  ProbeOutcome out = Probe(kHelloEcho, socket_path_, milliseconds(500));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "timeout");
  EXPECT_TRUE(LogHas(out.result, "Deadline passed waiting for the server"))
      << out.result.log.Text();
  EXPECT_LT(out.elapsed_seconds, 2.0);
}

TEST_F(UnixProberTest, TlsOverTheSocketVerifiesTheConfiguredName) {
  std::string error;
  const TestCerts* certs = SharedTestCerts(&error);
  ASSERT_NE(certs, nullptr) << error;
  auto server = Serve([certs](ServerConn& c) {
    if (c.StartTls(certs->leaf.cert_path, certs->leaf.key_path)) HelloEcho(c);
  });
  const std::string section = std::string(kHelloEcho) +
                              "      tls: true\n"
                              "      tls_config:\n"
                              "        server_name: localhost\n"
                              "        ca_file: " +
                              certs->ca.cert_path + "\n";
  ProbeOutcome out = Probe(section, socket_path_);
  EXPECT_TRUE(out.result.success) << out.result.log.Text();
  EXPECT_TRUE(SampleValue(out.result, "probe_ssl_earliest_cert_expiry").has_value());
}

TEST_F(UnixProberTest, RelativeOrOverlongPathsAreRequestErrors) {
  const Prober* prober = engine_.FindProber("unix");
  ASSERT_NE(prober, nullptr);
  EXPECT_EQ(prober->CheckTarget("run/app.sock").problem,
            "a unix target must be an absolute path to a socket");
  EXPECT_TRUE(prober->CheckTarget("/" + std::string(200, 'a')).problem.has_value());
  EXPECT_EQ(prober->CheckTarget(socket_path_).problem, std::nullopt);
  // probe_policy checks the path against its path globs.
  EXPECT_EQ(prober->CheckTarget(socket_path_).host, socket_path_);
}

TEST_F(UnixProberTest, ProbePolicyPathGlobsGovernSockets) {
  auto server = Serve(HelloEcho);
  const std::string allow_other = "probe_policy:\n  allow:\n    - \"/run/app/*.sock\"\n";
  ProbeOutcome out =
      RunProbe(engine_, "unix", kHelloEcho, socket_path_, milliseconds(3000), allow_other);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "probe_policy")) << out.result.log.Text();
  EXPECT_TRUE(server->Transcript().empty());

  const std::string allow_this = "probe_policy:\n  allow:\n    - \"" + dir_.path() + "/*\"\n";
  out = RunProbe(engine_, "unix", kHelloEcho, socket_path_, milliseconds(3000), allow_this);
  EXPECT_TRUE(out.result.success) << out.result.log.Text();
}

}  // namespace
}  // namespace outage::test
