// dns_over_tls through the real binary: a DNS-over-TLS resolver on loopback
// (DotTestFront before a DnsTestServer, certificates from TestCerts), a
// resolver that accepts and never answers, probe_policy, and the same
// modules through the installed blackbox 0.23.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/collectors/dns/dns_test_server.h"
#include "tests/collectors/dns/dot_test_front.h"
#include "tests/support/blackbox_reference.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/raw_tcp_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/text_edit.h"

namespace outage::test {
namespace {

// DotModule is a dns_over_tls module asking for ok.test's A records, with
// `extra` lines added to its dns section.
std::string DotModule(const std::string& name, const std::string& extra) {
  return "  " + name +
         ":\n    prober: dns\n    timeout: 2s\n    dns:\n      query_name: ok.test\n"
         "      query_type: A\n      dns_over_tls: true\n      preferred_ip_protocol: ip4\n" +
         extra;
}

constexpr char kTcp[] = "      transport_protocol: tcp\n";
constexpr char kCaFile[] = "      tls_config:\n        ca_file: CA_FILE\n";

// Modules blackbox 0.23 loads too.
std::string Modules() {
  return "modules:\n" + DotModule("dot", std::string(kTcp) + kCaFile) +
         DotModule("dot_system_ca", kTcp) +
         DotModule("dot_wrong_name",
                   std::string(kTcp) + kCaFile + "        server_name: wrong.example\n") +
         DotModule("dot_over_udp", "");
}

// Beyond blackbox: the whole DoT connection obeys probe_policy, for a
// /probe target and for a resolver of a resolvers: list alike.
std::string PolicyModules() {
  return DotModule("dot_listed", std::string(kTcp) + kCaFile + "      resolvers: [\"FRONT\"]\n") +
         "probe_policy:\n  deny: [127.0.0.1/32]\n";
}

class DotExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    auto certs = GenerateTestCerts(dir_.path(), 30, &error);
    ASSERT_TRUE(certs.has_value()) << error;
    certs_ = *certs;
    backend_ = DnsTestServer::Start(StandardZone());
    ASSERT_NE(backend_, nullptr);
    front_ =
        DotTestFront::Start(certs_.leaf.cert_path, certs_.leaf.key_path, backend_->port(), &error);
    ASSERT_NE(front_, nullptr) << error;
    modules_ = dir_.WriteFile("dot.yml", Substitute(Modules(), {{"CA_FILE", certs_.ca.cert_path}}));
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + modules_}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  static MetricsText Probe(const ExporterProcess& exporter, const std::string& target,
                           const std::string& module) {
    const HttpResponse r = HttpGet(exporter.BaseUrl() + "/probe?target=" + UrlEncode(target) +
                                   "&module=" + module + "&debug=true");
    EXPECT_EQ(r.status, 200) << r.body;
    return MetricsText::Parse(r.body);
  }

  TempDir dir_;
  TestCerts certs_;
  std::unique_ptr<DnsTestServer> backend_;
  std::unique_ptr<DotTestFront> front_;
  std::string modules_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(DotExporterTest, QueryGoesOverTlsAndReportsTheCertificate) {
  const MetricsText m = GetExposition(
      exporter_->BaseUrl() + "/probe?target=" + UrlEncode(front_->address()) + "&module=dot");
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(m.Value("probe_dns_answer_rrs"), 1);
  EXPECT_EQ(m.Value("probe_dns_rcode"), 0);
  EXPECT_EQ(front_->handshakes(), 1);
  EXPECT_EQ(backend_->tcp_queries(), 1);
  EXPECT_EQ(backend_->udp_queries(), 0);
  EXPECT_EQ(m.Value("probe_ssl_earliest_cert_expiry"), certs_.leaf.not_after);
  EXPECT_EQ(m.Find("probe_tls_version_info").size(), 1u);
  EXPECT_GT(m.Value("probe_dns_duration_seconds", {{"phase", "connect"}}).value_or(0), 0);
}

TEST_F(DotExporterTest, UntrustedOrMismatchedCertificateIsATlsFailure) {
  // The leaf's CA is not in the system store.
  MetricsText m = Probe(*exporter_, front_->address(), "dot_system_ca");
  EXPECT_EQ(m.FailureReason(), "tls");
  EXPECT_EQ(m.Value("probe_dns_query_succeeded"), 0);
  m = Probe(*exporter_, front_->address(), "dot_wrong_name");
  EXPECT_EQ(m.FailureReason(), "tls");
  EXPECT_EQ(backend_->tcp_queries(), 0) << "no query before a verified handshake";
}

TEST_F(DotExporterTest, ResolverThatNeverAnswersIsATimeout) {
  std::string error;
  auto silent = RawTcpServer::Start(RawBehavior::kNeverAnswer, &error);
  ASSERT_NE(silent, nullptr) << error;
  const MetricsText m = Probe(*exporter_, silent->Target(), "dot");
  EXPECT_EQ(m.FailureReason(), "timeout");
  EXPECT_EQ(silent->AcceptedCount(), 1);
}

TEST_F(DotExporterTest, WithoutAPortTheTargetIsAskedOn853) {
  const HttpResponse r =
      HttpGet(exporter_->BaseUrl() + "/probe?target=127.0.0.1&module=dot" + "&debug=true");
  EXPECT_NE(r.body.find("target=127.0.0.1:853"), std::string::npos) << r.body;
}

TEST_F(DotExporterTest, OverUdpEveryProbeFailsAsInBlackbox) {
  const MetricsText m = Probe(*exporter_, front_->address(), "dot_over_udp");
  EXPECT_EQ(m.Value("probe_success"), 0);
  EXPECT_EQ(front_->connections(), 0);
  EXPECT_NE(exporter_->Stderr().find("dns_over_tls needs transport_protocol: tcp"),
            std::string::npos);
}

TEST_F(DotExporterTest, ADeniedResolverAddressIsNeverConnected) {
  std::string error;
  auto guarded = ExporterProcess::StartWithFlags(
      {"--config.file=" + dir_.WriteFile("policy.yml", Substitute(Modules() + PolicyModules(),
                                                                  {{"CA_FILE", certs_.ca.cert_path},
                                                                   {"FRONT", front_->address()}}))},
      &error);
  ASSERT_NE(guarded, nullptr) << error;
  const HttpResponse refused =
      HttpGet(guarded->BaseUrl() + "/probe?target=" + UrlEncode(front_->address()) + "&module=dot");
  EXPECT_EQ(refused.status, 403) << refused.body;
  const MetricsText m = Probe(*guarded, "ok.test", "dot_listed");
  EXPECT_EQ(m.FailureReason(), "network");
  EXPECT_EQ(m.Value("probe_dns_resolver_success", {{"resolver", front_->address()}}), 0);
  EXPECT_EQ(front_->connections(), 0);
}

TEST_F(DotExporterTest, Blackbox023Agrees) {
  std::string why;
  const std::optional<std::string> binary = BlackboxBinary(&why);
  ASSERT_TRUE(binary.has_value()) << why;
  ExporterOptions options;
  options.binary = *binary;
  options.flags = {"--config.file=" + modules_};
  std::string error;
  auto blackbox = ExporterProcess::Start(options, &error);
  ASSERT_NE(blackbox, nullptr) << error;
  for (const char* module : {"dot", "dot_system_ca", "dot_wrong_name", "dot_over_udp"}) {
    const MetricsText ours = Probe(*exporter_, front_->address(), module);
    const MetricsText theirs = Probe(*blackbox, front_->address(), module);
    for (const char* name : {"probe_success", "probe_dns_answer_rrs"}) {
      EXPECT_EQ(ours.Value(name), theirs.Value(name)) << module << " " << name;
    }
  }
}

}  // namespace
}  // namespace outage::test
