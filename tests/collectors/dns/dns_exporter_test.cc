// The real outage_exporter binary probing DnsTestServer: /probe and
// /metrics output for dns modules is correct and passes promtool.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/collectors/dns/dns_test_server.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/temp_dir.h"

namespace outage::test {
namespace {

class DnsExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = DnsTestServer::Start(StandardZone());
    twin_ = DnsTestServer::Start(StandardZone());
    ASSERT_TRUE(server_ && twin_);
    const std::string config = R"(modules:
  dns_ok:
    prober: dns
    timeout: 2s
    dns:
      query_name: ok.test
      query_type: A
      preferred_ip_protocol: ip4
      validate_answer_rrs:
        fail_if_not_matches_regexp: ["IN\tA\t192\\.0\\.2\\.1$"]
  dns_nxdomain:
    prober: dns
    timeout: 1s
    dns:
      query_name: nxdomain.test
  dns_compare:
    prober: dns
    timeout: 2s
    dns:
      query_name: ok.test
      query_type: SOA
      resolvers: [")" + server_->address() +
                               R"(", ")" + twin_->address() + R"("]
targets:
  - target: )" + server_->address() +
                               R"(
    module: dns_ok
)";
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags(
        {"--config.file=" + dir_.WriteFile("outage.yml", config)}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  HttpResponse GetProbe(const std::string& target, const std::string& module) {
    return HttpGet(exporter_->BaseUrl() + "/probe?target=" + UrlEncode(target) +
                   "&module=" + module);
  }

  TempDir dir_;
  std::unique_ptr<DnsTestServer> server_;
  std::unique_ptr<DnsTestServer> twin_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(DnsExporterTest, ProbeSucceedsWithCleanOutput) {
  const HttpResponse r = GetProbe(server_->address(), "dns_ok");
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectPromtoolClean(r.body);
  const MetricsText m = MetricsText::Parse(r.body);
  EXPECT_EQ(m.Value("probe_success"), 1) << r.body;
  EXPECT_EQ(m.FailureReason(), "none");
  EXPECT_EQ(m.Value("probe_dns_answer_rrs"), 1);
  EXPECT_EQ(m.Value("probe_dns_rcode"), 0);
  EXPECT_EQ(m.Type("probe_dns_duration_seconds"), "gauge");
  EXPECT_TRUE(m.Has("probe_dns_duration_seconds", {{"phase", "connect"}}));
}

TEST_F(DnsExporterTest, NxdomainIsADnsFailure) {
  const HttpResponse r = GetProbe(server_->address(), "dns_nxdomain");
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectPromtoolClean(r.body);
  const MetricsText m = MetricsText::Parse(r.body);
  EXPECT_EQ(m.Value("probe_success"), 0);
  EXPECT_EQ(m.FailureReason(), "dns");
  EXPECT_EQ(m.Value("probe_dns_rcode"), 3);
}

TEST_F(DnsExporterTest, ResolverComparisonIsCleanAndConsistent) {
  const HttpResponse r = GetProbe("ok.test", "dns_compare");
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectPromtoolClean(r.body);
  const MetricsText m = MetricsText::Parse(r.body);
  EXPECT_EQ(m.Value("probe_success"), 1) << r.body;
  EXPECT_EQ(m.Value("probe_dns_answers_consistent"), 1);
  EXPECT_EQ(m.Value("probe_dns_serial"), 2024010101);
  EXPECT_EQ(m.Value("probe_dns_resolver_success", {{"resolver", twin_->address()}}), 1);
}

TEST_F(DnsExporterTest, BadTargetIsABadRequest) {
  EXPECT_EQ(GetProbe("host:0", "dns_ok").status, 400);
}

TEST_F(DnsExporterTest, ConfiguredDnsTargetsAppearOnMetrics) {
  const HttpResponse r = HttpGet(exporter_->BaseUrl() + "/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectPromtoolClean(r.body);
  const MetricsText m = MetricsText::Parse(r.body);
  EXPECT_EQ(m.Value("probe_success", {{"module", "dns_ok"}}), 1) << r.body;
  EXPECT_TRUE(m.Has("outage_probe_phase_duration_seconds_count",
                    {{"module", "dns_ok"}, {"phase", "request"}}))
      << r.body;
}

}  // namespace
}  // namespace outage::test
