// path_on_failure through the real binary, on a chain of network namespaces
// the test builds inside its own private one (nothing leaves the machine):
//
//   prober 10.9.0.2 -- r1 -- 203.0.113.0/30 -- r2 -- g 198.51.100.2 -- t 198.51.100.130
//   (this namespace)   10.9.0.1                        (the target's own /24)
//
// A blackhole route at each point in turn makes the TCP probe to t fail, and
// the trace must name the segment: none (t answers: the port is closed),
// destination (t cannot answer; g, inside t's /24, was the last to), transit
// (g drops; r2 was the last), local (r2 drops; only r1, a private address,
// answered).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/security_netns.h"
#include "tests/support/temp_dir.h"

namespace outage::test {
namespace {

constexpr char kTarget[] = "198.51.100.130:81";

std::string Shell(const std::string& command) {
  const int rc = std::system((command + " 2>&1").c_str());
  return rc == 0 ? "" : "\"" + command + "\" failed (status " + std::to_string(rc) + ")";
}

// BuildChain makes the namespaces r1, r2, g and t and joins them to this
// one. Their names live on a tmpfs mounted in this private mount namespace,
// so no namespace or name outlives the test (the empty /run/netns directory
// may be created on the host, as `ip netns` itself does).
std::string BuildChain() {
  const std::vector<std::string> commands = {
      "mkdir -p /run/netns",
      "mount -t tmpfs outage-path-test /run/netns",
      "ip netns add r1",
      "ip netns add r2",
      "ip netns add g",
      "ip netns add t",
      // prober -- r1
      "ip link add p0 type veth peer name r1a netns r1",
      "ip addr add 10.9.0.2/24 dev p0",
      "ip link set p0 up",
      "ip route add default via 10.9.0.1",
      "ip -n r1 addr add 10.9.0.1/24 dev r1a",
      "ip -n r1 link set r1a up",
      // r1 -- r2, a transit link
      "ip -n r1 link add r1b type veth peer name r2a netns r2",
      "ip -n r1 addr add 203.0.113.1/30 dev r1b",
      "ip -n r1 link set r1b up",
      "ip -n r1 route add default via 203.0.113.2",
      "ip -n r2 addr add 203.0.113.2/30 dev r2a",
      "ip -n r2 link set r2a up",
      "ip -n r2 route add 10.9.0.0/24 via 203.0.113.1",
      // r2 -- g, the target network's gateway
      "ip -n r2 link add r2b type veth peer name g0 netns g",
      "ip -n r2 addr add 198.51.100.1/28 dev r2b",
      "ip -n r2 link set r2b up",
      "ip -n g addr add 198.51.100.2/28 dev g0",
      "ip -n g link set g0 up",
      "ip -n g route add default via 198.51.100.1",
      // g -- t
      "ip -n g link add g1 type veth peer name t0 netns t",
      "ip -n g addr add 198.51.100.129/25 dev g1",
      "ip -n g link set g1 up",
      "ip -n r2 route add 198.51.100.128/25 via 198.51.100.2",
      "ip -n t addr add 198.51.100.130/25 dev t0",
      "ip -n t link set t0 up",
      "ip -n t route add default via 198.51.100.129",
  };
  for (const std::string& c : commands) {
    if (auto e = Shell(c); !e.empty()) return e;
  }
  // Routers forward; nobody rate-limits the ICMP answers a trace counts on.
  for (const char* ns : {"r1", "r2", "g", "t"}) {
    if (auto e = Shell(std::string("ip netns exec ") + ns +
                       " sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward; "
                       "echo 0 > /proc/sys/net/ipv4/icmp_ratelimit; ip link set lo up'");
        !e.empty()) {
      return e;
    }
  }
  return "";
}

constexpr char kModules[] = R"yaml(modules:
  tcp_traced:
    prober: tcp
    timeout: 1s
    path_on_failure: true
    path_timeout: 1s
    max_hops: 8
    tcp:
      preferred_ip_protocol: ip4
)yaml";

struct Traced {
  MetricsText metrics;
  std::string log;
};

// Probe runs /probe?debug=true with a 5 s scrape (4.5 s after the default
// offset), so the trace has time after the 1 s probe; a fresh exporter each
// time, since traces of one address are rate-limited. The debug page holds
// the log and the metrics.
Traced Probe(const TempDir& tmp, const std::string& scrape_timeout = "5") {
  std::string error;
  const auto exporter =
      ExporterProcess::StartWithFlags({"--config.file=" + tmp.PathOf("m.yml")}, &error);
  EXPECT_NE(exporter, nullptr) << error;
  if (exporter == nullptr) return {};
  const HttpResponse r =
      HttpGet(exporter->BaseUrl() + "/probe?debug=true&module=tcp_traced&target=" + kTarget,
              {{"X-Prometheus-Scrape-Timeout-Seconds", scrape_timeout}});
  EXPECT_EQ(r.status, 200) << r.body;
  constexpr std::string_view kMetrics = "Metrics that would have been returned:\n";
  const size_t from = r.body.find(kMetrics);
  const size_t to = r.body.find("\n\n\nModule configuration:");
  EXPECT_TRUE(from != std::string::npos && to != std::string::npos) << r.body;
  if (from == std::string::npos || to == std::string::npos) return {};
  const std::string metrics = r.body.substr(from + kMetrics.size(), to - from - kMetrics.size());
  ExpectPromtoolClean(metrics);
  return Traced{MetricsText::Parse(metrics), r.body.substr(0, from)};
}

std::string Segment(const MetricsText& m) {
  std::string set;
  for (const char* s : {"none", "local", "transit", "destination"}) {
    if (m.Value("outage_path_break", {{"segment", s}}) == 1) set += s;
  }
  return set;
}

TEST(PathTraceNetnsTest, TheTraceNamesTheSegmentWhereThePathBreaks) {
  OUTAGE_IN_PRIVATE_NETNS();
  ASSERT_EQ(SetUpPrivateNetwork(""), "");
  ASSERT_EQ(BuildChain(), "");
  TempDir tmp;
  tmp.WriteFile("m.yml", kModules);

  // Nothing dropped: t refuses the port, and answers the trace itself.
  Traced t = Probe(tmp);
  EXPECT_EQ(t.metrics.Value("probe_success"), 0);
  EXPECT_EQ(t.metrics.FailureReason(), "network");
  EXPECT_EQ(Segment(t.metrics), "none") << t.log;
  EXPECT_EQ(t.metrics.Value("outage_path_hops"), 4) << t.log;
  EXPECT_EQ(t.metrics.Value("outage_path_last_hop"), 4) << t.log;
  EXPECT_NE(t.log.find("msg=\"Path hop\" ttl=1 address=10.9.0.1 answer=\"time exceeded\""),
            std::string::npos)
      << t.log;
  EXPECT_NE(t.log.find("ttl=4 address=198.51.100.130 answer=\"port unreachable\""),
            std::string::npos)
      << t.log;

  // t cannot answer anyone: the break is at the destination.
  ASSERT_EQ(Shell("ip -n t route add blackhole 10.9.0.0/24"), "");
  t = Probe(tmp);
  EXPECT_EQ(t.metrics.FailureReason(), "network") << "a connect that never completes";
  EXPECT_EQ(Segment(t.metrics), "destination") << t.log;
  EXPECT_EQ(t.metrics.Value("outage_path_last_hop"), 3) << t.log;
  ASSERT_EQ(Shell("ip -n t route del blackhole 10.9.0.0/24"), "");

  // g drops what goes to t: r2, in transit, was the last to answer.
  ASSERT_EQ(Shell("ip -n g route add blackhole 198.51.100.130/32"), "");
  t = Probe(tmp);
  EXPECT_EQ(Segment(t.metrics), "transit") << t.log;
  EXPECT_EQ(t.metrics.Value("outage_path_hops"), 2) << t.log;
  EXPECT_EQ(t.metrics.Value("outage_path_last_hop"), 2) << t.log;
  ASSERT_EQ(Shell("ip -n g route del blackhole 198.51.100.130/32"), "");

  // r2 drops it: only r1, on our own private network, answered.
  ASSERT_EQ(Shell("ip -n r2 route add blackhole 198.51.100.130/32"), "");
  t = Probe(tmp);
  EXPECT_EQ(Segment(t.metrics), "local") << t.log;
  EXPECT_EQ(t.metrics.Value("outage_path_hops"), 1) << t.log;

  // A scrape with no time left after the probe skips the trace and says so:
  // 1.5 s less the 0.5 s offset is the probe's own 1 s.
  t = Probe(tmp, "1.5");
  EXPECT_FALSE(t.metrics.Has("outage_path_break")) << t.log;
  EXPECT_NE(t.log.find("Path trace skipped: less than 250ms left"), std::string::npos) << t.log;
}

}  // namespace
}  // namespace outage::test
