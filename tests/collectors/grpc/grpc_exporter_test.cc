// The real outage_exporter binary health-checking a real libgrpc++ server
// through /probe and /metrics, linted with promtool; and Debian's
// blackbox.yml grpc modules, loaded unchanged, probing.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/collectors/grpc/grpc_health_server.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/raw_tcp_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"

namespace outage::test {
namespace {

class GrpcExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    GrpcHealthServerOptions options;
    options.serving = {{"service1", true}, {"draining", false}};
    server_ = GrpcHealthServer::Start(options, &error);
    ASSERT_NE(server_, nullptr) << error;
  }

  void StartExporter(const std::string& config_path) {
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + config_path}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  MetricsText Probe(const std::string& target, const std::string& module) {
    return GetExposition(exporter_->BaseUrl() + "/probe?target=" + UrlEncode(target) +
                         "&module=" + module);
  }

  std::string Config() const {
    return R"yaml(modules:
  grpc_health:
    prober: grpc
    timeout: 2s
    grpc:
      preferred_ip_protocol: ip4
  grpc_draining:
    prober: grpc
    timeout: 2s
    grpc:
      service: draining
targets:
  - target: )yaml" +
           server_->Target() + R"yaml(
    module: grpc_health
  - target: )yaml" +
           server_->Target() + R"yaml(
    module: grpc_draining
)yaml";
  }

  TempDir dir_;
  std::unique_ptr<GrpcHealthServer> server_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(GrpcExporterTest, ServingProbeIsLintCleanWithBlackboxMetrics) {
  StartExporter(dir_.WriteFile("outage.yml", Config()));
  const MetricsText m = Probe(server_->Target(), "grpc_health");
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(m.FailureReason(), "none");
  EXPECT_EQ(m.Value("probe_grpc_status_code"), 0);
  EXPECT_EQ(m.Value("probe_grpc_ssl"), 0);
  EXPECT_EQ(m.Value("probe_grpc_healthcheck_response", {{"serving_status", "SERVING"}}), 1);
  EXPECT_EQ(m.Value("probe_grpc_healthcheck_response", {{"serving_status", "NOT_SERVING"}}), 0);
  for (const char* phase : {"resolve", "check"}) {
    EXPECT_TRUE(m.Has("probe_grpc_duration_seconds", {{"phase", phase}})) << phase;
  }
}

TEST_F(GrpcExporterTest, NotServingAndSilentServers) {
  StartExporter(dir_.WriteFile("outage.yml", Config()));
  const MetricsText draining = Probe(server_->Target(), "grpc_draining");
  EXPECT_EQ(draining.Value("probe_success"), 0);
  EXPECT_EQ(draining.FailureReason(), "content");
  EXPECT_EQ(draining.Value("probe_grpc_healthcheck_response", {{"serving_status", "NOT_SERVING"}}),
            1);

  std::string error;
  auto silent = RawTcpServer::Start(RawBehavior::kNeverAnswer, &error);
  ASSERT_NE(silent, nullptr) << error;
  const MetricsText m = Probe("127.0.0.1:" + std::to_string(silent->Port()), "grpc_health");
  EXPECT_EQ(m.Value("probe_success"), 0);
  EXPECT_EQ(m.FailureReason(), "timeout");
  EXPECT_EQ(m.Value("probe_grpc_status_code"), 4);
}

TEST_F(GrpcExporterTest, ConfiguredTargetsAppearOnMetrics) {
  StartExporter(dir_.WriteFile("outage.yml", Config()));
  const HttpResponse r = HttpGet(exporter_->BaseUrl() + "/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectPromtoolClean(r.body);
  const MetricsText m = MetricsText::Parse(r.body);
  EXPECT_EQ(m.Value("probe_success", {{"module", "grpc_health"}}), 1) << r.body;
  EXPECT_EQ(m.Value("probe_success", {{"module", "grpc_draining"}}), 0) << r.body;
  EXPECT_EQ(m.FailureReason({{"module", "grpc_draining"}}), "content");
  EXPECT_TRUE(m.Has("outage_probe_phase_duration_seconds_count",
                    {{"module", "grpc_health"}, {"phase", "check"}}))
      << r.body;
}

// Debian's /etc/prometheus/blackbox.yml (prometheus-blackbox-exporter), as
// shipped: grpc_plain checks "service1" in plaintext; grpc wants TLS
// verified against the system's CAs, which a test certificate cannot pass,
// so it reaches the handshake and fails there, as it must.
TEST_F(GrpcExporterTest, DebianBlackboxGrpcModulesWork) {
  StartExporter(OUTAGE_DEBIAN_BLACKBOX_YML);
  const MetricsText plain = Probe(server_->Target(), "grpc_plain");
  EXPECT_EQ(plain.Value("probe_success"), 1);

  std::string error;
  auto certs = GenerateTestCerts(dir_.path(), 30, &error);
  ASSERT_TRUE(certs.has_value()) << error;
  GrpcHealthServerOptions tls;
  tls.cert_path = certs->leaf.cert_path;
  tls.key_path = certs->leaf.key_path;
  auto tls_server = GrpcHealthServer::Start(tls, &error);
  ASSERT_NE(tls_server, nullptr) << error;
  const MetricsText m = Probe(tls_server->Target(), "grpc");
  EXPECT_EQ(m.Value("probe_success"), 0);
  EXPECT_EQ(m.FailureReason(), "tls");
  EXPECT_TRUE(m.Has("probe_ssl_earliest_cert_expiry"));
}

}  // namespace
}  // namespace outage::test
