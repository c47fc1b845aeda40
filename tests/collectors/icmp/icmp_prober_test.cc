// The ICMP prober in-process (through ProbeEngine), echoing to loopback: raw
// sockets in this namespace (the tests run as root), and inside private
// network namespaces the tests create: datagram sockets (ping_group_range
// opened there), loss (echo_ignore_all there) and neither socket permitted
// (CAP_NET_RAW dropped there). No packet leaves the machine.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "collectors/probe_engine.h"
#include "config/config_loader.h"
#include "tests/collectors/probe_outcome.h"
#include "tests/support/sanitizer_allowance.h"
#include "tests/support/security_netns.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;

using Outcome = ProbeOutcome;

// Probe runs module `m` with the given `icmp:` section body against `target`.
Outcome Probe(ProbeEngine& engine, const std::string& icmp_section, const std::string& target,
              milliseconds timeout = milliseconds(2000), const std::string& extra_yaml = "") {
  return RunProbe(engine, "icmp", icmp_section, target, timeout, extra_yaml);
}

// WriteProc writes `value` to a /proc/sys file (inside a private namespace:
// the net.* ones are per namespace).
std::string WriteProc(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  out << value << "\n";
  out.close();
  return out ? "" : "cannot write " + path;
}

// DropNetRawCapability removes CAP_NET_RAW from this thread's effective set
// (threads started afterwards inherit it). Child process only.
bool DropNetRawCapability() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  data[CAP_NET_RAW / 32].effective &= ~(1u << (CAP_NET_RAW % 32));
  data[CAP_NET_RAW / 32].permitted &= ~(1u << (CAP_NET_RAW % 32));
  return syscall(SYS_capset, &header, data) == 0;
}

class IcmpProberTest : public ::testing::Test {
 protected:
  ProbeEngine engine_;
};

TEST_F(IcmpProberTest, EchoToLoopbackOverRawSocket) {
  ASSERT_EQ(getuid(), 0u) << "CI runs as root; raw ICMP sockets need CAP_NET_RAW";
  Outcome out = Probe(engine_, "      preferred_ip_protocol: ip4\n", "127.0.0.1");
  const ProbeResult& r = out.result;
  EXPECT_TRUE(r.success) << r.log.Text();
  EXPECT_EQ(ReasonOf(r), "none");
  EXPECT_TRUE(LogHas(r, "kind=raw")) << r.log.Text();
  EXPECT_EQ(SampleValue(r, "probe_icmp_packets_sent"), 1);
  EXPECT_EQ(SampleValue(r, "probe_icmp_packets_received"), 1);
  EXPECT_EQ(SampleValue(r, "probe_icmp_reply_hop_limit"), 64);  // Linux's default TTL
  EXPECT_EQ(SampleValue(r, "probe_ip_protocol"), 4);
  const double rtt = SampleValue(r, "probe_icmp_duration_seconds", {{"phase", "rtt"}}).value_or(-1);
  EXPECT_GT(rtt, 0);
  EXPECT_LT(rtt, 0.5);
  EXPECT_EQ(SampleValue(r, "probe_icmp_rtt_seconds", {{"stat", "avg"}}), rtt);
  EXPECT_TRUE(SampleValue(r, "probe_icmp_duration_seconds", {{"phase", "setup"}}).has_value());
  EXPECT_LT(out.elapsed_seconds, 1.0);  // done on the reply, not at the deadline
}

TEST_F(IcmpProberTest, SeveralEchoesGiveCountsAndRttStats) {
  Outcome out = Probe(engine_, "      packets: 4\n      interval: 50ms\n", "127.0.0.1");
  const ProbeResult& r = out.result;
  EXPECT_TRUE(r.success) << r.log.Text();
  EXPECT_EQ(SampleValue(r, "probe_icmp_packets_sent"), 4);
  EXPECT_EQ(SampleValue(r, "probe_icmp_packets_received"), 4);
  const double min = SampleValue(r, "probe_icmp_rtt_seconds", {{"stat", "min"}}).value_or(-1);
  const double avg = SampleValue(r, "probe_icmp_rtt_seconds", {{"stat", "avg"}}).value_or(-1);
  const double max = SampleValue(r, "probe_icmp_rtt_seconds", {{"stat", "max"}}).value_or(-1);
  const double stddev = SampleValue(r, "probe_icmp_rtt_seconds", {{"stat", "stddev"}}).value_or(-1);
  EXPECT_GT(min, 0);
  EXPECT_LE(min, avg);
  EXPECT_LE(avg, max);
  EXPECT_GE(stddev, 0);
  EXPECT_LE(stddev, max - min);
  // Three intervals of 50 ms between the first and the last echo.
  EXPECT_GE(out.elapsed_seconds, 0.15);
  EXPECT_LT(out.elapsed_seconds, 1.5);
}

TEST_F(IcmpProberTest, EchoToIpv6Loopback) {
  Outcome out = Probe(engine_, "", "::1");
  const ProbeResult& r = out.result;
  EXPECT_TRUE(r.success) << r.log.Text();
  EXPECT_EQ(SampleValue(r, "probe_ip_protocol"), 6);
  EXPECT_EQ(SampleValue(r, "probe_icmp_reply_hop_limit"), 64);
  EXPECT_TRUE(Probe(engine_, "", "[::1]").result.success);
}

TEST_F(IcmpProberTest, TtlDontFragmentPayloadAndSourceAddressApply) {
  Outcome out = Probe(engine_,
                      "      ttl: 3\n      dont_fragment: true\n      payload_size: 1400\n"
                      "      source_ip_address: 127.0.0.1\n      preferred_ip_protocol: ip4\n",
                      "127.0.0.1");
  EXPECT_TRUE(out.result.success) << out.result.log.Text();
  EXPECT_TRUE(LogHas(out.result, "srcIP=127.0.0.1"));
  // The reply is sent with the kernel's own TTL, not ours.
  EXPECT_EQ(SampleValue(out.result, "probe_icmp_reply_hop_limit"), 64);
}

TEST_F(IcmpProberTest, LargestPayloadWithDontFragmentIsAnswered) {
  // 65507 + 8 + 20 = 65535 bytes: the largest IPv4 datagram, within lo's MTU.
  Outcome big =
      Probe(engine_, "      payload_size: 65507\n      dont_fragment: true\n", "127.0.0.1");
  EXPECT_TRUE(big.result.success) << big.result.log.Text();
  EXPECT_EQ(SampleValue(big.result, "probe_icmp_packets_received"), 1);
}

TEST_F(IcmpProberTest, SourceAddressOfOtherFamilyIsNetworkError) {
  Outcome out = Probe(engine_, "      source_ip_address: ::1\n      preferred_ip_protocol: ip4\n",
                      "127.0.0.1");
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "not of the target's family")) << out.result.log.Text();
  EXPECT_EQ(SampleValue(out.result, "probe_icmp_packets_sent"), 0);
}

TEST_F(IcmpProberTest, ProbePolicyBlocksTheAddressBeforeAnyPacket) {
  Outcome out = Probe(engine_, "", "127.0.0.1", milliseconds(2000),
                      "probe_policy:\n  deny:\n    - 127.0.0.0/8\n");
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result, "probe_policy")) << out.result.log.Text();
  EXPECT_EQ(SampleValue(out.result, "probe_icmp_packets_sent"), 0);
}

TEST_F(IcmpProberTest, TargetsAreBareHosts) {
  const Prober* icmp = engine_.FindProber("icmp");
  ASSERT_NE(icmp, nullptr);
  EXPECT_FALSE(icmp->CheckTarget("127.0.0.1").problem.has_value());
  EXPECT_FALSE(icmp->CheckTarget("example.com").problem.has_value());
  EXPECT_FALSE(icmp->CheckTarget("[::1]").problem.has_value());
  EXPECT_EQ(icmp->CheckTarget("[::1]").host, "::1");
  EXPECT_EQ(icmp->CheckTarget("127.0.0.1:80").problem,
            "invalid ICMP target \"127.0.0.1:80\" (want a host name or IP address, without port "
            "or scheme)");
  EXPECT_TRUE(icmp->CheckTarget("http://example.com").problem.has_value());
  EXPECT_EQ(icmp->CheckTarget("").problem, "empty target (want a host name or IP address)");
}

TEST_F(IcmpProberTest, DeadlineBoundsEchoesThatCannotAllBeSent) {
  // 10 echoes 300 ms apart cannot be sent within 1.1 s: those that were sent
  // are answered, and the probe ends by the deadline. (200 ms of slack on
  // either side of the fourth echo for a loaded machine.)
  Outcome out =
      Probe(engine_, "      packets: 10\n      interval: 300ms\n", "127.0.0.1", milliseconds(1100));
  EXPECT_TRUE(out.result.success) << out.result.log.Text();
  EXPECT_EQ(SampleValue(out.result, "probe_icmp_packets_sent"), 4);  // at 0, 300, 600, 900 ms
  EXPECT_EQ(SampleValue(out.result, "probe_icmp_packets_received"), 4);
  EXPECT_LT(out.elapsed_seconds, 1.6);
}

TEST_F(IcmpProberTest, ManyConcurrentProbesEachGetTheirOwnReplies) {
  // 100 raw sockets each see all 300 replies: every probe must count its
  // own three (matched by id, sequence and payload token) and no others.
  ConfigResult loaded = LoadConfigString(
      "modules:\n  m:\n    prober: icmp\n    icmp:\n      packets: 3\n      interval: 20ms\n",
      "test.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(loaded));
  const auto config = std::get<LoadedConfig>(loaded).config;
  std::vector<std::future<ProbeResult>> probes;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) {
    ProbeRequest request;
    request.config = config;
    request.module = &config->modules.at("m");
    request.target = i % 2 == 0 ? "127.0.0.1" : "::1";
    // Under TSan reading the 30000 replies alone takes longer than 3 s.
    request.deadline = start + milliseconds(kThreadSanitized ? 20000 : 3000);
    probes.push_back(engine_.Probe(std::move(request)));
  }
  for (auto& probe : probes) {
    const ProbeResult r = probe.get();
    EXPECT_TRUE(r.success) << r.log.Text();
    EXPECT_EQ(SampleValue(r, "probe_icmp_packets_received"), 3);
  }
  // All at once on one loop: about the 40 ms of one probe, not the 4 s of
  // 100 in a row (each waits two 20 ms intervals whatever the build). The
  // sanitizer builds run the 100 probes' CPU work several times slower, but
  // their bound still rules out one probe at a time. Under TSan the replies'
  // CPU work alone exceeds that, so only the counts above are checked there.
  const double bound_seconds = kSanitizerTimeScale > 1 ? 3.5 : 1.5;
  if (kThreadSanitized) return;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            bound_seconds);
}

// Inside private network namespaces ----------------------------------------

TEST(IcmpNetnsTest, DatagramSocketWherePingGroupRangeAllows) {
  OUTAGE_IN_PRIVATE_NETNS();
  ASSERT_EQ(SetUpPrivateNetwork(""), "");
  // Allow every group, as distributions that ship unprivileged ping do.
  ASSERT_EQ(WriteProc("/proc/sys/net/ipv4/ping_group_range", "0 2147483647"), "");
  ProbeEngine engine;
  for (const char* target : {"127.0.0.1", "::1"}) {
    Outcome out = Probe(engine, "      packets: 3\n      interval: 20ms\n", target);
    EXPECT_TRUE(out.result.success) << out.result.log.Text();
    EXPECT_TRUE(LogHas(out.result, "kind=datagram")) << out.result.log.Text();
    EXPECT_EQ(SampleValue(out.result, "probe_icmp_packets_received"), 3) << target;
    EXPECT_EQ(SampleValue(out.result, "probe_icmp_reply_hop_limit"), 64) << target;
  }
}

TEST(IcmpNetnsTest, NoReplyIsNetworkFailureAtTheDeadline) {
  OUTAGE_IN_PRIVATE_NETNS();
  ASSERT_EQ(SetUpPrivateNetwork(""), "");
  ASSERT_EQ(WriteProc("/proc/sys/net/ipv4/icmp_echo_ignore_all", "1"), "");
  ProbeEngine engine;
  Outcome out =
      Probe(engine, "      packets: 3\n      interval: 100ms\n", "127.0.0.1", milliseconds(800));
  const ProbeResult& r = out.result;
  EXPECT_FALSE(r.success);
  EXPECT_EQ(ReasonOf(r), "network");
  EXPECT_TRUE(LogHas(r, "no echo reply before the deadline (3 sent)")) << r.log.Text();
  EXPECT_EQ(SampleValue(r, "probe_icmp_packets_sent"), 3);
  EXPECT_EQ(SampleValue(r, "probe_icmp_packets_received"), 0);
  EXPECT_EQ(SampleValue(r, "probe_icmp_duration_seconds", {{"phase", "rtt"}}), 0);
  EXPECT_FALSE(SampleValue(r, "probe_icmp_rtt_seconds", {{"stat", "avg"}}).has_value());
  EXPECT_FALSE(SampleValue(r, "probe_icmp_reply_hop_limit").has_value());
  EXPECT_GE(out.elapsed_seconds, 0.75);
  EXPECT_LT(out.elapsed_seconds, 1.5);
}

TEST(IcmpNetnsTest, PartialLossIsCountedAndStillSuccess) {
  OUTAGE_IN_PRIVATE_NETNS();
  ASSERT_EQ(SetUpPrivateNetwork(""), "");
  const std::string ignore = "/proc/sys/net/ipv4/icmp_echo_ignore_all";
  ASSERT_EQ(WriteProc(ignore, "1"), "");
  ProbeEngine engine;
  // Echoes at 0, 300, 600 and 900 ms; replies resume at 450 ms, so the first
  // is certainly lost and the last certainly answered (the middle ones too,
  // unless this machine stalls for a few hundred ms).
  std::thread resume([&ignore] {
    std::this_thread::sleep_for(milliseconds(450));
    (void)WriteProc(ignore, "0");
  });
  Outcome out =
      Probe(engine, "      packets: 4\n      interval: 300ms\n", "127.0.0.1", milliseconds(1500));
  resume.join();
  const ProbeResult& r = out.result;
  EXPECT_TRUE(r.success) << r.log.Text();
  EXPECT_EQ(SampleValue(r, "probe_icmp_packets_sent"), 4);
  const double received = SampleValue(r, "probe_icmp_packets_received").value_or(-1);
  EXPECT_GE(received, 1);
  EXPECT_LE(received, 3);
  // A lost echo keeps the probe waiting to the deadline.
  EXPECT_GE(out.elapsed_seconds, 1.45);
}

TEST(IcmpNetnsTest, NeitherSocketKindPermittedIsAClearError) {
  OUTAGE_IN_PRIVATE_NETNS();
  ASSERT_EQ(SetUpPrivateNetwork(""), "");
  // A fresh namespace's ping_group_range is "1 0" (nobody).
  ASSERT_TRUE(DropNetRawCapability());
  ProbeEngine engine;  // its loop thread inherits the reduced capabilities
  Outcome out = Probe(engine, "", "127.0.0.1");
  EXPECT_FALSE(out.result.success);
  EXPECT_EQ(ReasonOf(out.result), "network");
  EXPECT_TRUE(LogHas(out.result,
                     "not permitted to open ICMP sockets: a datagram socket needs the process's "
                     "group in net.ipv4.ping_group_range (now \\\"1 0\\\"), a raw socket needs "
                     "CAP_NET_RAW"))
      << out.result.log.Text();
}

}  // namespace
}  // namespace outage::test
