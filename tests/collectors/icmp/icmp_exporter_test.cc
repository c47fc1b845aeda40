// The real outage_exporter binary echoing to loopback through /probe and
// /metrics: the output Prometheus scrapes, linted with promtool; and
// Debian's blackbox.yml icmp modules, loaded unchanged, probing.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/temp_dir.h"

namespace outage::test {
namespace {

class IcmpExporterTest : public ::testing::Test {
 protected:
  void StartExporter(const std::string& config_path) {
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + config_path}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  MetricsText Probe(const std::string& target, const std::string& module) {
    return GetExposition(exporter_->BaseUrl() + "/probe?target=" + UrlEncode(target) +
                         "&module=" + module);
  }

  TempDir dir_;
  std::unique_ptr<ExporterProcess> exporter_;
};

constexpr char kConfig[] = R"yaml(modules:
  ping:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip4
      packets: 3
      interval: 50ms
targets:
  - target: 127.0.0.1
    module: ping
  - target: ::1
    module: ping
)yaml";

TEST_F(IcmpExporterTest, ProbeIsLintCleanWithBlackboxAndLossMetrics) {
  StartExporter(dir_.WriteFile("outage.yml", kConfig));
  const MetricsText m = Probe("127.0.0.1", "ping");
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(m.FailureReason(), "none");
  EXPECT_EQ(m.Value("probe_ip_protocol"), 4);
  for (const char* phase : {"resolve", "setup", "rtt"}) {
    EXPECT_TRUE(m.Has("probe_icmp_duration_seconds", {{"phase", phase}})) << phase;
  }
  EXPECT_EQ(m.Value("probe_icmp_reply_hop_limit"), 64);
  EXPECT_EQ(m.Value("probe_icmp_packets_sent"), 3);
  EXPECT_EQ(m.Value("probe_icmp_packets_received"), 3);
  for (const char* stat : {"min", "avg", "max", "stddev"}) {
    EXPECT_TRUE(m.Has("probe_icmp_rtt_seconds", {{"stat", stat}})) << stat;
  }
}

TEST_F(IcmpExporterTest, TargetWithPortIsABadRequest) {
  StartExporter(dir_.WriteFile("outage.yml", kConfig));
  EXPECT_EQ(HttpGet(exporter_->BaseUrl() + "/probe?target=127.0.0.1:80&module=ping").status, 400);
}

TEST_F(IcmpExporterTest, ConfiguredTargetsAppearOnMetrics) {
  StartExporter(dir_.WriteFile("outage.yml", kConfig));
  const HttpResponse r = HttpGet(exporter_->BaseUrl() + "/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectPromtoolClean(r.body);
  const MetricsText m = MetricsText::Parse(r.body);
  for (const char* target : {"127.0.0.1", "::1"}) {
    EXPECT_EQ(m.Value("probe_success", {{"target", target}, {"module", "ping"}}), 1) << r.body;
    EXPECT_EQ(m.Value("probe_icmp_packets_received", {{"target", target}}), 3) << target;
    EXPECT_TRUE(
        m.Has("outage_probe_phase_duration_seconds_count", {{"target", target}, {"phase", "rtt"}}))
        << r.body;
  }
  // ::1 is an IPv6 literal: preferred ip4 with fallback still probes it.
  EXPECT_EQ(m.Value("probe_ip_protocol", {{"target", "::1"}}), 6);
}

// Debian's /etc/prometheus/blackbox.yml (prometheus-blackbox-exporter), as
// shipped: its icmp modules load without a warning and echo to loopback.
TEST_F(IcmpExporterTest, DebianBlackboxIcmpModulesWork) {
  StartExporter(OUTAGE_DEBIAN_BLACKBOX_YML);
  for (const char* module : {"icmp", "icmp_ttl5"}) {
    for (const char* target : {"127.0.0.1", "::1", "localhost"}) {
      const MetricsText m = Probe(target, module);
      EXPECT_EQ(m.Value("probe_success"), 1) << module << " " << target;
    }
  }
}

}  // namespace
}  // namespace outage::test
