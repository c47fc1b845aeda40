// The gRPC prober in-process (through ProbeEngine) against a real libgrpc++
// health server on loopback: SERVING, NOT_SERVING, an unknown service, no
// health service, TLS with good and untrusted certificates; and against TCP
// servers that never answer or refuse, and an HTTP/1.1 server.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "collectors/probe_engine.h"
#include "config/config_loader.h"
#include "tests/collectors/grpc/grpc_health_server.h"
#include "tests/collectors/probe_outcome.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/raw_tcp_server.h"
#include "tests/support/sanitizer_allowance.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;

using Outcome = ProbeOutcome;

// ServingStatus is the label of the one healthcheck series set to 1, "" when
// none is, "several" when the set is not one-hot.
std::string ServingStatus(const ProbeResult& r) {
  std::string found;
  int ones = 0;
  int series = 0;
  for (const Sample& s : r.samples) {
    if (s.desc->name != "probe_grpc_healthcheck_response") continue;
    ++series;
    if (s.value == 1) {
      ++ones;
      found = s.labels.at(0).second;
    }
  }
  if (series != 4) return "series=" + std::to_string(series);
  return ones > 1 ? "several" : found;
}

class GrpcProberTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    certs_ = SharedTestCerts(&error);
    ASSERT_NE(certs_, nullptr) << error;
  }

  Outcome Probe(const std::string& grpc_section, const std::string& target,
                milliseconds timeout = milliseconds(3000), const std::string& extra_yaml = "") {
    return RunProbe(engine_, "grpc", grpc_section, target, timeout, extra_yaml);
  }

  static std::unique_ptr<GrpcHealthServer> Serve(GrpcHealthServerOptions options = {}) {
    std::string error;
    auto server = GrpcHealthServer::Start(options, &error);
    EXPECT_NE(server, nullptr) << error;
    return server;
  }

  static const TestCerts* certs_;
  ProbeEngine engine_;
};

const TestCerts* GrpcProberTest::certs_ = nullptr;

TEST_F(GrpcProberTest, ServingServerSucceeds) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  Outcome out = Probe("", server->Target());
  const ProbeResult& r = out.result;
  EXPECT_TRUE(r.success) << r.log.Text();
  EXPECT_EQ(ReasonOf(r), "none");
  EXPECT_EQ(ServingStatus(r), "SERVING");
  EXPECT_EQ(SampleValue(r, "probe_grpc_status_code"), 0);
  EXPECT_EQ(SampleValue(r, "probe_grpc_ssl"), 0);
  EXPECT_EQ(SampleValue(r, "probe_ip_protocol"), 4);
  EXPECT_GT(SampleValue(r, "probe_grpc_duration_seconds", {{"phase", "check"}}).value_or(0), 0);
  EXPECT_TRUE(SampleValue(r, "probe_grpc_duration_seconds", {{"phase", "resolve"}}).has_value());
  EXPECT_FALSE(SampleValue(r, "probe_ssl_earliest_cert_expiry").has_value());
  EXPECT_LT(out.elapsed_seconds, 1.0);
}

TEST_F(GrpcProberTest, NamedServiceServingAndNotServing) {
  GrpcHealthServerOptions options;
  options.serving = {{"checkout", true}, {"search", false}};
  auto server = Serve(options);
  ASSERT_NE(server, nullptr);
  Outcome serving = Probe("      service: checkout\n", server->Target());
  EXPECT_TRUE(serving.result.success) << serving.result.log.Text();
  EXPECT_EQ(ServingStatus(serving.result), "SERVING");

  Outcome not_serving = Probe("      service: search\n", server->Target());
  const ProbeResult& r = not_serving.result;
  EXPECT_FALSE(r.success);
  EXPECT_EQ(ReasonOf(r), "content");
  EXPECT_EQ(ServingStatus(r), "NOT_SERVING");
  EXPECT_EQ(SampleValue(r, "probe_grpc_status_code"), 0);  // the call itself worked
  EXPECT_TRUE(LogHas(r, "serving_status NOT_SERVING")) << r.log.Text();
}

TEST_F(GrpcProberTest, UnknownServiceIsNotFound) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  Outcome out = Probe("      service: nope\n", server->Target());
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "http_status");
  EXPECT_EQ(SampleValue(out.result, "probe_grpc_status_code"), 5);  // NOT_FOUND
  EXPECT_EQ(ServingStatus(out.result), "");
  EXPECT_TRUE(LogHas(out.result, "NOT_FOUND")) << out.result.log.Text();
}

TEST_F(GrpcProberTest, ServerWithoutHealthServiceIsUnimplemented) {
  GrpcHealthServerOptions options;
  options.health_service = false;
  auto server = Serve(options);
  ASSERT_NE(server, nullptr);
  Outcome out = Probe("", server->Target());
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "protocol");
  EXPECT_EQ(SampleValue(out.result, "probe_grpc_status_code"), 12);
}

TEST_F(GrpcProberTest, MetadataIsAcceptedByARealServer) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  Outcome out = Probe("      metadata:\n        x-team: [sre, oncall]\n        x-region: eu\n",
                      server->Target());
  EXPECT_TRUE(out.result.success) << out.result.log.Text();
}

TEST_F(GrpcProberTest, TlsWithTrustedCertificate) {
  GrpcHealthServerOptions options;
  options.cert_path = certs_->leaf.cert_path;
  options.key_path = certs_->leaf.key_path;
  auto server = Serve(options);
  ASSERT_NE(server, nullptr);
  Outcome out =
      Probe("      tls: true\n      tls_config:\n        ca_file: " + certs_->ca.cert_path + "\n",
            server->Target());
  const ProbeResult& r = out.result;
  EXPECT_TRUE(r.success) << r.log.Text();
  EXPECT_EQ(SampleValue(r, "probe_grpc_ssl"), 1);
  EXPECT_EQ(SampleValue(r, "probe_ssl_earliest_cert_expiry"),
            static_cast<double>(certs_->leaf.not_after));
  EXPECT_EQ(SampleValue(r, "probe_tls_version_info", {{"version", "TLS 1.3"}}), 1);

  // server_name: SNI and verification for "localhost", connecting to 127.0.0.1.
  Outcome named =
      Probe("      tls: true\n      tls_config:\n        ca_file: " + certs_->ca.cert_path +
                "\n        server_name: localhost\n",
            server->Target());
  EXPECT_TRUE(named.result.success) << named.result.log.Text();
}

TEST_F(GrpcProberTest, UntrustedCertificateIsTls) {
  GrpcHealthServerOptions options;
  options.cert_path = certs_->self_signed.cert_path;
  options.key_path = certs_->self_signed.key_path;
  auto server = Serve(options);
  ASSERT_NE(server, nullptr);
  Outcome out =
      Probe("      tls: true\n      tls_config:\n        ca_file: " + certs_->ca.cert_path + "\n",
            server->Target());
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "tls");
  EXPECT_EQ(SampleValue(out.result, "probe_grpc_ssl"), 0);
  EXPECT_EQ(SampleValue(out.result, "probe_grpc_status_code"), 14);  // UNAVAILABLE, as grpc-go says
  // The certificate's facts are there even though it did not verify.
  EXPECT_EQ(SampleValue(out.result, "probe_ssl_earliest_cert_expiry"),
            static_cast<double>(certs_->self_signed.not_after));

  // insecure_skip_verify accepts it.
  Outcome skip = Probe("      tls: true\n      tls_config:\n        insecure_skip_verify: true\n",
                       server->Target());
  EXPECT_TRUE(skip.result.success) << skip.result.log.Text();
}

TEST_F(GrpcProberTest, ServerThatNeverAnswersTimesOutByTheDeadline) {
  std::string error;
  auto server = RawTcpServer::Start(RawBehavior::kNeverAnswer, &error);
  ASSERT_NE(server, nullptr) << error;
  Outcome out = Probe("", server->Target(), milliseconds(1000));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "timeout");
  EXPECT_EQ(SampleValue(out.result, "probe_grpc_status_code"), 4);  // DEADLINE_EXCEEDED
  EXPECT_EQ(ServingStatus(out.result), "");
  EXPECT_GE(out.elapsed_seconds, 0.9);
  EXPECT_LT(out.elapsed_seconds, 1.5);
}

TEST_F(GrpcProberTest, RefusedConnectionIsNetwork) {
  RefusedPort refused;
  Outcome out = Probe("", "127.0.0.1:" + std::to_string(refused.port()));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_EQ(SampleValue(out.result, "probe_grpc_status_code"), 14);
  EXPECT_LT(out.elapsed_seconds, 1.0);
}

TEST_F(GrpcProberTest, Http1OnlyServerIsProtocol) {
  // An HTTPS server without h2 in ALPN: the call goes out as HTTP/1.1 and
  // gets an HTTP/1.1 answer, which no gRPC server would give. (Over
  // plaintext, a server that answers the h2 preface and hangs up races our
  // send: that can only be read as a network error.)
  TestHttpServerOptions options;
  options.cert_path = certs_->leaf.cert_path;
  options.key_path = certs_->leaf.key_path;
  std::string error;
  auto server = TestHttpServer::Start(options, &error);
  ASSERT_NE(server, nullptr) << error;
  Outcome out =
      Probe("      tls: true\n      tls_config:\n        ca_file: " + certs_->ca.cert_path + "\n",
            "127.0.0.1:" + std::to_string(server->Port()));
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "protocol") << out.result.log.Text();
  EXPECT_TRUE(LogHas(out.result, "Server did not speak HTTP/2")) << out.result.log.Text();
  EXPECT_EQ(SampleValue(out.result, "probe_grpc_status_code"), 2);  // UNKNOWN
}

TEST_F(GrpcProberTest, ProbePolicyBlocksBeforeConnecting) {
  std::string error;
  auto server = RawTcpServer::Start(RawBehavior::kNeverAnswer, &error);
  ASSERT_NE(server, nullptr) << error;
  Outcome out = Probe("", server->Target(), milliseconds(1000),
                      "probe_policy:\n  deny:\n    - 127.0.0.0/8\n");
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "probe_policy")) << out.result.log.Text();
  EXPECT_EQ(server->AcceptedCount(), 0);
}

TEST_F(GrpcProberTest, ManyConcurrentChecksShareTheLoop) {
  GrpcHealthServerOptions options;
  options.serving = {{"search", false}};
  auto server = Serve(options);
  ASSERT_NE(server, nullptr);
  ConfigResult loaded = LoadConfigString(
      "modules:\n  ok:\n    prober: grpc\n  down:\n    prober: grpc\n    grpc:\n"
      "      service: search\n",
      "test.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(loaded));
  const auto config = std::get<LoadedConfig>(loaded).config;
  std::vector<std::future<ProbeResult>> checks;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) {
    ProbeRequest request;
    request.config = config;
    request.module = &config->modules.at(i % 2 == 0 ? "ok" : "down");
    request.target = server->Target();
    request.deadline = start + milliseconds(5000);
    checks.push_back(engine_.Probe(std::move(request)));
  }
  for (int i = 0; i < 100; ++i) {
    const ProbeResult r = checks[static_cast<size_t>(i)].get();
    // Each answer reaches the probe that asked: none crossed over.
    EXPECT_EQ(ServingStatus(r), i % 2 == 0 ? "SERVING" : "NOT_SERVING") << r.log.Text();
  }
  // Well inside the 5 s deadline: the checks ran side by side. Under TSan
  // the CPU work alone can outgrow this bound; the answers are checked above.
  if (!kThreadSanitized) {
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3.0);
  }
}

TEST_F(GrpcProberTest, TargetForms) {
  auto server = Serve();
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(Probe("", "grpc://" + server->Target()).result.success);
  const Prober* grpc = engine_.FindProber("grpc");
  ASSERT_NE(grpc, nullptr);
  EXPECT_FALSE(grpc->CheckTarget("localhost:50051").problem.has_value());
  EXPECT_FALSE(grpc->CheckTarget("https://[::1]:443/").problem.has_value());
  EXPECT_EQ(grpc->CheckTarget("https://[::1]:443/").host, "::1");
  EXPECT_TRUE(grpc->CheckTarget("localhost").problem.has_value());  // no port
}

}  // namespace
}  // namespace outage::test
