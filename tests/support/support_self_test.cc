// Tests for the test support library itself: if these fail, no integration
// test result can be trusted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/metrics_text.h"
#include "tests/support/raw_tcp_server.h"
#include "tests/support/required_program.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TempDirTest, WritesFilesAndRemovesItself) {
  std::string dir;
  {
    TempDir tmp;
    dir = tmp.path();
    const std::string file = tmp.WriteFile("sub/a.txt", "hello");
    std::ifstream in(file);
    std::string got;
    std::getline(in, got);
    EXPECT_EQ(got, "hello");
    EXPECT_EQ(file, tmp.PathOf("sub/a.txt"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(SubprocessTest, CapturesOutputLinesAndExitCode) {
  SubprocessOptions o;
  o.program = "sh";
  o.args = {"-c", "echo out; echo \"err $FOO\" >&2; echo second >&2; exit 3"};
  o.extra_env = {{"FOO", "bar"}};
  std::string error;
  auto p = Subprocess::Start(o, &error);
  ASSERT_NE(p, nullptr) << error;
  EXPECT_EQ(p->NextStderrLine(seconds(5)), "err bar");
  EXPECT_EQ(p->NextStderrLine(seconds(5)), "second");
  EXPECT_EQ(p->Wait(seconds(5)), 3);
  EXPECT_EQ(p->Stdout(), "out\n");
  EXPECT_EQ(p->NextStderrLine(milliseconds(100)), std::nullopt);
}

TEST(SubprocessTest, PipesStdinAndRedirectsToFiles) {
  TempDir tmp;
  SubprocessOptions o;
  o.program = "cat";
  o.stdin_data = std::string(300000, 'z');  // more than a pipe buffer
  o.stdout_file = tmp.PathOf("out.txt");
  const RunResult r = RunSubprocess(o, seconds(10));
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_text.size(), 300000u);
}

TEST(SubprocessTest, TimesOutSignalsAndReportsExecFailure) {
  SubprocessOptions o;
  o.program = "sleep";
  o.args = {"30"};
  std::string error;
  auto p = Subprocess::Start(o, &error);
  ASSERT_NE(p, nullptr) << error;
  EXPECT_TRUE(p->Running());
  EXPECT_EQ(p->Wait(milliseconds(100)), std::nullopt);
  EXPECT_TRUE(p->Signal(SIGTERM));
  EXPECT_EQ(p->Wait(seconds(5)), 128 + SIGTERM);
  EXPECT_FALSE(p->Running());

  o.program = "/nonexistent/program";
  EXPECT_EQ(Subprocess::Start(o, &error), nullptr);
  EXPECT_NE(error.find("is not installed"), std::string::npos) << error;

  o.program = "sleep";
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = RunSubprocess(o, milliseconds(200));
  EXPECT_FALSE(r.exit_code.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
}

TEST(RequiredProgramTest, MissingProgramNamesItsDebianPackage) {
  EXPECT_EQ(MissingProgram("sh"), "");
  EXPECT_EQ(DebianPackageFor("/usr/sbin/ip"), "iproute2");
  const std::string missing = MissingProgram("/nonexistent/bin/promtool");
  EXPECT_NE(missing.find("`prometheus` package"), std::string::npos) << missing;
  EXPECT_NE(MissingProgram("no-such-program-here").find("is not installed"), std::string::npos);
}

// Every program the tests start is installed by `make test` (its package is
// in scripts/packages-test.txt or packages-build.txt) and is present here.
TEST(RequiredProgramTest, EveryProgramIsInAPackageListAndInstalled) {
  std::string lists;
  for (const char* name : {"packages-build.txt", "packages-test.txt"}) {
    std::ifstream in(std::string(OUTAGE_PACKAGE_LISTS_DIR) + "/" + name);
    ASSERT_TRUE(in) << name;
    std::string line;
    while (std::getline(in, line)) lists += "\n" + line + "\n";
  }
  for (const auto& [program, package] : RequiredPrograms()) {
    EXPECT_NE(lists.find("\n" + package + "\n"), std::string::npos)
        << package << " (for " << program << ") is in no package list";
    EXPECT_EQ(MissingProgram(program), "") << program;
  }
}

TEST(SubprocessTest, WaitForStderrLineMatches) {
  SubprocessOptions o;
  o.program = "sh";
  o.args = {"-c",
            "echo a >&2; sleep 0.2; echo 'level=info msg=\"Listening on address\" "
            "address=127.0.0.1:4321' >&2; sleep 30"};
  std::string error;
  auto p = Subprocess::Start(o, &error);
  ASSERT_NE(p, nullptr) << error;
  auto line = p->WaitForStderrLine(
      [](std::string_view l) { return ParseListeningPort(std::string(l)).has_value(); },
      seconds(5));
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(ParseListeningPort(*line), 4321);
}  // the destructor kills `sleep 30`

TEST(ExporterProcessTest, ParsesListeningLine) {
  EXPECT_EQ(ParseListeningPort("ts=2024-01-01T00:00:00Z level=info msg=\"Listening on address\" "
                               "address=127.0.0.1:9115"),
            9115);
  EXPECT_EQ(ParseListeningPort("level=info msg=\"Listening on address\" "
                               "address=\"127.0.0.1:81\" tls=false"),
            81);
  EXPECT_EQ(ParseListeningPort("{\"level\":\"info\",\"msg\":\"Listening on address\","
                               "\"address\":\"127.0.0.1:1234\"}"),
            1234);
  EXPECT_EQ(ParseListeningPort("ts=x caller=tls_config.go:232 level=info "
                               "msg=\"Listening on\" address=127.0.0.1:46807"),
            46807);
  EXPECT_EQ(ParseListeningPort("level=info msg=\"Starting\" address=127.0.0.1:1"), std::nullopt);
  EXPECT_EQ(ParseListeningPort("msg=\"Listening on address\" address=127.0.0.1:0"), std::nullopt);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
    server_->AddStandardRoutes();
  }
  std::unique_ptr<TestHttpServer> server_;
};

TEST_F(ServerTest, AnswersRoutesAndCountsRequests) {
  HttpResponse r = HttpGet(server_->Url("/ok?x=1"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(r.headers["content-type"], "text/plain");
  EXPECT_EQ(r.http_version, "HTTP/1.1");
  EXPECT_EQ(HttpGet(server_->Url("/nothing")).status, 404);
  EXPECT_EQ(server_->RequestCount("/ok"), 1);
  EXPECT_EQ(server_->RequestCount("/nothing"), 1);
  EXPECT_EQ(server_->LastRequest("/ok")->query, "x=1");

  r = HttpGet(server_->Url("/redirect/3"));
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers["location"], "/redirect/2");
  EXPECT_EQ(HttpGet(server_->Url("/redirect/1")).headers["location"], "/ok");
  EXPECT_EQ(HttpGet(server_->Url("/loop/a")).headers["location"], "/loop/b");
}

TEST_F(ServerTest, ReceivesMethodHeadersAndBody) {
  server_->Route("/echo", [](const ServerRequest& req, ResponseWriter& w) {
    w.Respond(req.Header("Authorization") == "Bearer abc" ? 200 : 401, {{"X-Method", req.method}},
              req.body);
  });
  const std::string big(5000, 'b');  // makes curl send Expect: 100-continue
  HttpResponse r = HttpPost(server_->Url("/echo"), big, {{"Authorization", "Bearer abc"}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["x-method"], "POST");
  EXPECT_EQ(r.body, big);
  EXPECT_EQ(server_->LastRequest("/echo")->Header("authorization"), "Bearer abc");
}

TEST_F(ServerTest, StreamsHugeAndTrickledBodies) {
  server_->Route("/huge", HugeBody(int64_t{3} * 1024 * 1024));
  server_->Route("/trickle", Trickle("abcd", milliseconds(100), 1));
  HttpResponse r = HttpGet(server_->Url("/huge"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.body.size(), 3u * 1024 * 1024);
  r = HttpGet(server_->Url("/trickle"));
  EXPECT_EQ(r.body, "abcd");
  EXPECT_GE(r.elapsed.count(), 0.29);
  // A client that gives up mid-body must not wedge the server.
  server_->Route("/endless", HugeBody(int64_t{1} << 40));
  r = HttpGet(server_->Url("/endless"), {}, milliseconds(300));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(HttpGet(server_->Url("/ok")).status, 200);
}

TEST_F(ServerTest, HangsUpWithoutResponse) {
  server_->Route("/hangup", CloseWithoutResponse());
  HttpResponse r = HttpGet(server_->Url("/hangup"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.status, 0);
}

TEST(ServerShutdownTest, WakesSleepingHandlersPromptly) {
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->Route("/slow", Delay(seconds(60), Reply(200)));
  HttpResponse r;
  std::thread client([&] { r = HttpGet(server->Url("/slow"), {}, seconds(30)); });
  for (int i = 0; i < 100 && server->RequestCount("/slow") == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(server->RequestCount("/slow"), 1);
  const auto start = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(2));
  client.join();
  EXPECT_FALSE(r.ok);
}

TEST(ServerShutdownTest, DelayAnswersAfterTheDelay) {
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->Route("/slow", Delay(milliseconds(300), Reply(204)));
  HttpResponse r = HttpGet(server->Url("/slow"));
  EXPECT_EQ(r.status, 204);
  EXPECT_GE(r.elapsed.count(), 0.29);
}

class CertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    auto certs = GenerateTestCerts(tmp_.path(), 30, &error);
    ASSERT_TRUE(certs.has_value()) << error;
    certs_ = *certs;
  }
  TempDir tmp_;
  TestCerts certs_;
};

TEST_F(CertsTest, VerifyAgainstTheCaAsExpected) {
  EXPECT_EQ(VerifyCertAgainstCa(certs_.leaf.cert_path, certs_.ca.cert_path, "localhost"), "");
  EXPECT_EQ(VerifyCertAgainstCa(certs_.leaf.cert_path, certs_.ca.cert_path, "127.0.0.1"), "");
  EXPECT_NE(VerifyCertAgainstCa(certs_.self_signed.cert_path, certs_.ca.cert_path, ""), "");
  EXPECT_EQ(VerifyCertAgainstCa(certs_.expired.cert_path, certs_.ca.cert_path, ""),
            "certificate has expired");
  EXPECT_NE(VerifyCertAgainstCa(certs_.wrong_host.cert_path, certs_.ca.cert_path, "localhost"), "");
  EXPECT_EQ(VerifyCertAgainstCa(certs_.wrong_host.cert_path, certs_.ca.cert_path, ""), "");
  const int64_t now = std::time(nullptr);
  EXPECT_NEAR(static_cast<double>(certs_.leaf.not_after), now + 30 * 86400.0, 10);
  EXPECT_LT(certs_.expired.not_after, now);
  EXPECT_EQ(certs_.leaf.cert_path, tmp_.PathOf("leaf.pem"));
  EXPECT_EQ(certs_.leaf.key_path, tmp_.PathOf("leaf.key"));
  const std::string fp = CertSha256Fingerprint(certs_.leaf.cert_path);
  EXPECT_EQ(fp.size(), 64u);
  EXPECT_NE(fp, CertSha256Fingerprint(certs_.self_signed.cert_path));
}

TEST_F(CertsTest, HttpsServerServesTheLeaf) {
  std::string error;
  TestHttpServerOptions o;
  o.cert_path = certs_.leaf.cert_path;
  o.key_path = certs_.leaf.key_path;
  auto server = TestHttpServer::Start(o, &error);
  ASSERT_NE(server, nullptr) << error;
  server->AddStandardRoutes();
  EXPECT_EQ(server->BaseUrl().rfind("https://127.0.0.1:", 0), 0u);
  HttpRequest req;
  req.url = server->Url("/ok");
  req.ca_file = certs_.ca.cert_path;
  HttpResponse r = HttpDo(req);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.body, "ok\n");
  req.ca_file.clear();  // the system store does not know our CA
  r = HttpDo(req);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(server->RequestCount("/ok"), 1);
}

TEST_F(CertsTest, HttpsServerCanPinTls12) {
  std::string error;
  TestHttpServerOptions o;
  o.cert_path = certs_.expired.cert_path;
  o.key_path = certs_.expired.key_path;
  o.tls_version = "TLS1.2";
  auto server = TestHttpServer::Start(o, &error);
  ASSERT_NE(server, nullptr) << error;
  server->AddStandardRoutes();
  HttpRequest req;
  req.url = server->Url("/ok");
  req.ca_file = certs_.ca.cert_path;
  EXPECT_FALSE(HttpDo(req).ok);  // expired
  req.insecure_skip_verify = true;
  EXPECT_EQ(HttpDo(req).status, 200);
}

TEST(RawTcpServerTest, Behaviours) {
  std::string error;
  auto never = RawTcpServer::Start(RawBehavior::kNeverAnswer, &error);
  auto close_now = RawTcpServer::Start(RawBehavior::kCloseImmediately, &error);
  auto reset = RawTcpServer::Start(RawBehavior::kReset, &error);
  ASSERT_TRUE(never && close_now && reset) << error;
  HttpResponse r = HttpGet(never->Url(), {}, milliseconds(300));
  EXPECT_FALSE(r.ok);
  EXPECT_GE(r.elapsed.count(), 0.29);
  EXPECT_EQ(never->AcceptedCount(), 1);
  r = HttpGet(close_now->Url());
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("returned nothing"), std::string::npos) << r.error;
  r = HttpGet(reset->Url());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(reset->AcceptedCount(), 1);

  RefusedPort refused;
  r = HttpGet("http://127.0.0.1:" + std::to_string(refused.port()) + "/");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("connect"), std::string::npos) << r.error;
  EXPECT_GT(PickRefusedPort(), 0);
}

constexpr char kExposition[] = R"(# HELP probe_success Whether the probe succeeded.
# TYPE probe_success gauge
probe_success 1
# HELP probe_failure_reason Why the probe failed.
# TYPE probe_failure_reason gauge
probe_failure_reason{reason="dns"} 0
probe_failure_reason{reason="none"} 1
probe_failure_reason{reason="tls"} 0
# HELP x_seconds A histogram.
# TYPE x_seconds histogram
x_seconds_bucket{target="a \"q\" \\ b",le="+Inf"} 3
x_seconds_sum{target="a \"q\" \\ b"} 1.5e-3
x_seconds_count{target="a \"q\" \\ b",} 3
# HELP nan_metric Not a number.
# TYPE nan_metric gauge
nan_metric NaN
)";

TEST(MetricsTextTest, ParsesAndAnswers) {
  const MetricsText m = MetricsText::Parse(kExposition);
  EXPECT_TRUE(m.errors().empty()) << m.errors()[0];
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(m.Value("probe_failure_reason", {{"reason", "dns"}}), 0);
  EXPECT_EQ(m.Value("probe_failure_reason"), std::nullopt);  // ambiguous
  EXPECT_EQ(m.Find("probe_failure_reason").size(), 3u);
  EXPECT_EQ(m.FailureReason(), "none");
  EXPECT_TRUE(m.Has("x_seconds_bucket", {{"le", "+Inf"}, {"target", "a \"q\" \\ b"}}));
  EXPECT_EQ(m.Value("x_seconds_sum"), 1.5e-3);
  EXPECT_EQ(m.Value("x_seconds_count"), 3);
  EXPECT_EQ(m.Type("x_seconds"), "histogram");
  EXPECT_TRUE(std::isnan(*m.Value("nan_metric")));
  EXPECT_FALSE(m.Has("absent"));

  const MetricsText two = MetricsText::Parse(
      "probe_failure_reason{reason=\"dns\"} 1\nprobe_failure_reason{reason=\"tls\"} 1\nbad{ 1\n");
  EXPECT_EQ(two.FailureReason(), "<2 set: dns,tls>");
  EXPECT_EQ(two.errors().size(), 1u);
  EXPECT_EQ(MetricsText::Parse("").FailureReason(), "<no probe_failure_reason>");
}

TEST(MetricsTextTest, PromtoolAcceptsGoodAndFlagsBadText) {
  const PromtoolResult good = PromtoolCheckMetrics(kExposition);
  EXPECT_TRUE(good.ok) << good.output;
  const PromtoolResult bad =
      PromtoolCheckMetrics("# HELP requests Requests.\n# TYPE requests counter\nrequests 3\n");
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.output.find("_total"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace outage::test
