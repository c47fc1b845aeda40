// The real outage_exporter binary probing loopback TCP servers through
// /probe: the output is the one Prometheus scrapes, so it is linted with
// `promtool check metrics` as well as read.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/collectors/tcp/tcp_test_servers.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"

namespace outage::test {
namespace {

class TcpExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    auto certs = GenerateTestCerts(dir_.path(), 30, &error);
    ASSERT_TRUE(certs.has_value()) << error;
    certs_ = *certs;
    const std::string config = dir_.WriteFile("outage.yml", R"yaml(modules:
  ssh_banner:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
      query_response:
        - expect: "^SSH-2.0-([^ -]+)"
          labels:
            - name: ssh_version
              value: "${1}"
  any_banner:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
      query_response:
        - expect: '^SSH-2.0-(\C*)'  # \C: any byte, even one that is not UTF-8
          labels:
            - name: banner
              value: "${1}"
  tls_banner:
    prober: tcp
    timeout: 5s
    tcp:
      tls: true
      query_response:
        - expect: "^SSH-2.0-"
      tls_config:
        ca_file: )yaml" + certs_.ca.cert_path + "\n");
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + config}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  MetricsText Probe(const std::string& target, const std::string& module) {
    return GetExposition(exporter_->BaseUrl() + "/probe?target=" + UrlEncode(target) +
                         "&module=" + module);
  }

  TempDir dir_;
  TestCerts certs_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(TcpExporterTest, BannerProbeIsLintCleanAndCarriesExpectInfo) {
  std::string error;
  auto server =
      ScriptedServer::Start([](ServerConn& c) { c.Write("SSH-2.0-OpenSSH_9.2 x\r\n"); }, &error);
  ASSERT_NE(server, nullptr) << error;
  MetricsText m = Probe(server->Target(), "ssh_banner");
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(m.FailureReason(), "none");
  EXPECT_EQ(m.Value("probe_expect_info", {{"ssh_version", "OpenSSH_9.2"}}), 1);
  EXPECT_EQ(m.Value("probe_ip_protocol"), 4);
  EXPECT_TRUE(m.Has("probe_tcp_duration_seconds", {{"phase", "exchange"}}));
}

TEST_F(TcpExporterTest, InvalidUtf8InACaptureIsReplacedAndLintClean) {
  std::string error;
  auto server = ScriptedServer::Start(
      [](ServerConn& c) { c.Write("SSH-2.0-Open\xFF\xC3SSH x\r\n"); }, &error);
  ASSERT_NE(server, nullptr) << error;
  MetricsText m = Probe(server->Target(), "any_banner");  // promtool-checked
  const HttpResponse debug =
      HttpGet(exporter_->BaseUrl() + "/probe?target=" + UrlEncode(server->Target()) +
              "&module=any_banner&debug=true");
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(m.Value("probe_expect_info", {{"banner", "Open\xEF\xBF\xBD\xEF\xBF\xBDSSH x"}}), 1)
      << debug.body;
  EXPECT_EQ(debug.body.find('\xFF'), std::string::npos) << debug.body;
  exporter_->Stop();
  EXPECT_EQ(exporter_->Stderr().find('\xFF'), std::string::npos);
}

TEST_F(TcpExporterTest, ExpiredCertificateIsTlsAndLintClean) {
  const TestCerts certs = certs_;
  std::string error;
  auto server = ScriptedServer::Start(
      [certs](ServerConn& c) {
        if (c.StartTls(certs.expired.cert_path, certs.expired.key_path)) c.Write("SSH-2.0-x\n");
      },
      &error);
  ASSERT_NE(server, nullptr) << error;
  MetricsText m = Probe(server->Target(), "tls_banner");
  EXPECT_EQ(m.Value("probe_success"), 0);
  EXPECT_EQ(m.FailureReason(), "tls");
  EXPECT_EQ(m.Value("probe_ssl_earliest_cert_expiry"),
            static_cast<double>(certs.expired.not_after));
}

TEST_F(TcpExporterTest, BadTargetIsRejected) {
  const HttpResponse r =
      HttpGet(exporter_->BaseUrl() + "/probe?target=example.com&module=ssh_banner");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("missing port"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace outage::test
