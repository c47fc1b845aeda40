// The dns prober end to end inside a real ProbeEngine, against DnsTestServer
// on loopback: metrics, failure reasons, the deadline, TCP fallback on
// truncation, and `resolvers:` consistency.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "collectors/probe_engine.h"
#include "tests/collectors/dns/dns_test_server.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/sanitizer_allowance.h"

namespace outage {
namespace {

using std::chrono::milliseconds;
using test::kDeadlineSlack;
using Clock = std::chrono::steady_clock;

DnsProbe Query(const std::string& name, const std::string& type) {
  DnsProbe dns;
  dns.query_name = name;
  dns.query_type = type;
  dns.preferred_ip_protocol = IpProtocol::kIp4;
  return dns;
}

Regex Re(const std::string& pattern) {
  return Regex{pattern, std::make_shared<const re2::RE2>(pattern)};
}

class DnsProberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = test::DnsTestServer::Start(test::StandardZone());
    ASSERT_NE(server_, nullptr);
  }

  ProbeResult Probe(const std::string& target, const DnsProbe& dns,
                    milliseconds timeout = milliseconds(3000)) {
    auto config = std::make_shared<Config>();
    Module& module = config->modules["dns"];
    module.name = "dns";
    module.prober = "dns";
    module.dns = dns;
    ProbeRequest request;
    request.target = target;
    request.config = config;
    request.module = &module;
    const auto start = Clock::now();
    request.deadline = start + timeout;
    ProbeResult result = engine_.Probe(std::move(request)).get();
    elapsed_ = Clock::now() - start;
    return result;
  }

  // Value returns the one sample named `name` with `labels`, or nullopt.
  static std::optional<double> Value(const ProbeResult& r, std::string_view name,
                                     const LabelPairs& labels = {}) {
    for (const Sample& s : r.samples) {
      if (s.desc->name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }

  static std::string Log(const ProbeResult& r) { return r.log.Text(); }

  ProbeEngine engine_;
  std::unique_ptr<test::DnsTestServer> server_;
  Clock::duration elapsed_{};
};

TEST_F(DnsProberTest, AnswersWithRecordsSucceed) {
  const ProbeResult r = Probe(server_->address(), Query("ok.test", "A"));
  EXPECT_TRUE(r.success) << Log(r);
  EXPECT_EQ(r.reason, FailureReason::kNone);
  EXPECT_EQ(Value(r, "probe_dns_answer_rrs"), 1);
  EXPECT_EQ(Value(r, "probe_dns_authority_rrs"), 1);
  EXPECT_EQ(Value(r, "probe_dns_additional_rrs"), 1);
  EXPECT_EQ(Value(r, "probe_dns_query_succeeded"), 1);
  EXPECT_EQ(Value(r, "probe_dns_rcode"), 0);
  EXPECT_EQ(Value(r, "probe_ip_protocol"), 4);
  EXPECT_TRUE(Value(r, "probe_ip_addr_hash").value_or(0) > 0);
  EXPECT_FALSE(Value(r, "probe_dns_serial")) << "only for SOA queries, as blackbox";
  EXPECT_FALSE(Value(r, "probe_dns_answers_consistent")) << "only with resolvers:";
  for (const char* phase : {"resolve", "connect", "request"}) {
    EXPECT_TRUE(Value(r, "probe_dns_duration_seconds", {{"phase", phase}})) << phase;
  }
  ASSERT_EQ(r.phases.size(), 3u);
  EXPECT_EQ(r.phases[2].phase, "request");
  EXPECT_GT(r.phases[2].seconds, 0);
  EXPECT_EQ(server_->udp_queries(), 1);
}

TEST_F(DnsProberTest, AnyQueryCountsEveryRecord) {
  const ProbeResult r = Probe(server_->address(), Query("OK.test.", "ANY"));
  EXPECT_TRUE(r.success) << Log(r);
  EXPECT_EQ(Value(r, "probe_dns_answer_rrs"), 5);
}

TEST_F(DnsProberTest, SoaQueryExportsTheSerial) {
  const ProbeResult r = Probe(server_->address(), Query("ok.test", "SOA"));
  EXPECT_TRUE(r.success) << Log(r);
  EXPECT_EQ(Value(r, "probe_dns_serial"), 2024010101);
}

TEST_F(DnsProberTest, RcodesAreJudgedAgainstValidRcodes) {
  ProbeResult r = Probe(server_->address(), Query("nxdomain.test", "A"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.reason, FailureReason::kDns);
  EXPECT_EQ(Value(r, "probe_dns_rcode"), 3);
  EXPECT_EQ(Value(r, "probe_dns_query_succeeded"), 1) << "an NXDOMAIN answer is an answer";

  DnsProbe accept_nxdomain = Query("nxdomain.test", "A");
  accept_nxdomain.valid_rcodes = {"NXDOMAIN"};
  r = Probe(server_->address(), accept_nxdomain);
  EXPECT_TRUE(r.success) << Log(r);
}

// SERVFAIL and REFUSED come back as answers (ARES_FLAG_NOCHECKRESP) rather
// than being retried and turned into a c-ares error.
TEST_F(DnsProberTest, ServfailAndRefusedAreReportedWithTheirRcode) {
  ProbeResult r = Probe(server_->address(), Query("servfail.test", "A"));
  EXPECT_EQ(r.reason, FailureReason::kDns);
  EXPECT_EQ(Value(r, "probe_dns_rcode"), 2);
  r = Probe(server_->address(), Query("refused.test", "A"));
  EXPECT_EQ(r.reason, FailureReason::kDns);
  EXPECT_EQ(Value(r, "probe_dns_rcode"), 5);
  EXPECT_EQ(server_->udp_queries(), 2) << "one query each, no retries";
}

TEST_F(DnsProberTest, TruncatedUdpFallsBackToTcp) {
  const ProbeResult r = Probe(server_->address(), Query("truncated.test", "A"));
  EXPECT_TRUE(r.success) << Log(r);
  EXPECT_EQ(Value(r, "probe_dns_answer_rrs"), 20);
  EXPECT_EQ(server_->udp_queries(), 1);
  EXPECT_EQ(server_->tcp_queries(), 1);
}

TEST_F(DnsProberTest, TcpTransportUsesOnlyTcp) {
  DnsProbe dns = Query("ok.test", "MX");
  dns.transport_protocol = "tcp";
  const ProbeResult r = Probe(server_->address(), dns);
  EXPECT_TRUE(r.success) << Log(r);
  EXPECT_EQ(Value(r, "probe_dns_answer_rrs"), 1);
  EXPECT_EQ(server_->udp_queries(), 0);
  EXPECT_EQ(server_->tcp_queries(), 1);
}

TEST_F(DnsProberTest, SilenceEndsAtTheDeadline) {
  for (const char* transport : {"udp", "tcp"}) {
    DnsProbe dns = Query("silent.test", "A");
    dns.transport_protocol = transport;
    const ProbeResult r = Probe(server_->address(), dns, milliseconds(500));
    EXPECT_FALSE(r.success) << transport;
    EXPECT_EQ(r.reason, FailureReason::kDns) << transport;
    EXPECT_EQ(Value(r, "probe_dns_rcode"), -1) << transport;
    EXPECT_EQ(Value(r, "probe_dns_query_succeeded"), 0) << transport;
    EXPECT_GE(elapsed_, milliseconds(450)) << transport;
    EXPECT_LT(elapsed_, milliseconds(500) + kDeadlineSlack) << transport << ": deadline + slack";
  }
}

TEST_F(DnsProberTest, RecordValidationFailuresAreDnsFailures) {
  DnsProbe dns = Query("ok.test", "A");
  dns.validate_answer_rrs.fail_if_not_matches_regexp = {
      Re(R"(ok\.test\.\t\d+\tIN\tA\t192\.0\.2\.1$)")};
  dns.validate_authority_rrs.fail_if_none_matches_regexp = {Re("NS\tns1.ok.test.")};
  ProbeResult r = Probe(server_->address(), dns);
  EXPECT_TRUE(r.success) << Log(r);

  dns.validate_additional_rrs.fail_if_matches_regexp = {Re("192.0.2.53")};
  r = Probe(server_->address(), dns);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.reason, FailureReason::kDns);
  EXPECT_NE(Log(r).find("Additional RRs validation failed"), std::string::npos) << Log(r);

  DnsProbe empty = Query("nxdomain.test", "A");
  empty.valid_rcodes = {"NXDOMAIN"};
  empty.validate_answer_rrs.fail_if_none_matches_regexp = {Re(".")};
  r = Probe(server_->address(), empty);
  EXPECT_EQ(r.reason, FailureReason::kDns) << "a required match with no RRs fails";
}

TEST_F(DnsProberTest, ResolvesAResolverGivenByName) {
  const ProbeResult r =
      Probe("localhost:" + std::to_string(server_->port()), Query("ok.test", "A"));
  EXPECT_TRUE(r.success) << Log(r);
  EXPECT_EQ(Value(r, "probe_ip_protocol"), 4);
  EXPECT_GT(Value(r, "probe_dns_lookup_time_seconds").value_or(0), 0);
}

TEST_F(DnsProberTest, RefusedTcpConnectionIsANetworkFailure) {
  const test::RefusedPort refused;
  DnsProbe dns = Query("ok.test", "A");
  dns.transport_protocol = "tcp";
  const ProbeResult r = Probe("127.0.0.1:" + std::to_string(refused.port()), dns);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.reason, FailureReason::kNetwork) << Log(r);
  EXPECT_LT(elapsed_, milliseconds(1000)) << "refusal is immediate";
}

TEST_F(DnsProberTest, ARefusingResolverInTheListIsDnsTrouble) {
  const test::RefusedPort refused;
  const std::string down = "127.0.0.1:" + std::to_string(refused.port());
  DnsProbe dns = Query("ok.test", "A");
  dns.transport_protocol = "tcp";
  dns.resolvers = {server_->address(), down};
  const ProbeResult r = Probe("ok.test", dns);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.reason, FailureReason::kDns) << Log(r);
  EXPECT_EQ(Value(r, "probe_dns_resolver_success", {{"resolver", down}}), 0);
}

TEST_F(DnsProberTest, ResolversThatAgreeAreConsistent) {
  auto twin = test::DnsTestServer::Start(test::StandardZone());
  ASSERT_NE(twin, nullptr);
  DnsProbe dns = Query("ok.test", "ANY");
  dns.resolvers = {server_->address(), twin->address()};
  const ProbeResult r = Probe("ok.test", dns);
  EXPECT_TRUE(r.success) << Log(r);
  EXPECT_EQ(Value(r, "probe_dns_answers_consistent"), 1);
  EXPECT_EQ(Value(r, "probe_dns_resolver_success", {{"resolver", twin->address()}}), 1);
  EXPECT_EQ(Value(r, "probe_dns_resolver_rcode", {{"resolver", server_->address()}}), 0);
}

TEST_F(DnsProberTest, ResolversThatDisagreeAreInconsistent) {
  test::Zone other = test::StandardZone();
  other["ok.test."].answer = {test::ARecord("ok.test.", "198.51.100.7")};
  auto liar = test::DnsTestServer::Start(other);
  ASSERT_NE(liar, nullptr);
  DnsProbe dns = Query("ok.test", "A");
  dns.resolvers = {server_->address(), liar->address()};
  const ProbeResult r = Probe("ok.test", dns);
  EXPECT_EQ(Value(r, "probe_dns_answers_consistent"), 0) << Log(r);
  EXPECT_EQ(Value(r, "probe_dns_resolver_success", {{"resolver", liar->address()}}), 1);
}

TEST_F(DnsProberTest, OneSilentResolverFailsTheProbeAndIsNamed) {
  test::Zone mute = test::StandardZone();
  mute["ok.test."].silent = true;
  auto silent = test::DnsTestServer::Start(mute);
  ASSERT_NE(silent, nullptr);
  DnsProbe dns = Query("ok.test", "A");
  dns.resolvers = {server_->address(), silent->address()};
  const ProbeResult r = Probe("ok.test", dns, milliseconds(500));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.reason, FailureReason::kDns);
  EXPECT_EQ(Value(r, "probe_dns_resolver_success", {{"resolver", server_->address()}}), 1);
  EXPECT_EQ(Value(r, "probe_dns_resolver_success", {{"resolver", silent->address()}}), 0);
  EXPECT_EQ(Value(r, "probe_dns_resolver_rcode", {{"resolver", silent->address()}}), -1);
  EXPECT_EQ(Value(r, "probe_dns_answers_consistent"), 1) << "only answers are compared";
  EXPECT_LT(elapsed_, milliseconds(500) + kDeadlineSlack);
}

TEST_F(DnsProberTest, CheckTargetRejectsUnusableTargets) {
  const Prober* prober = engine_.FindProber("dns");
  ASSERT_NE(prober, nullptr);
  EXPECT_EQ(prober->CheckTarget("").problem, "empty DNS server address");
  EXPECT_EQ(prober->CheckTarget("host:0").problem, "invalid port \"0\" (want 1-65535)");
  EXPECT_EQ(prober->CheckTarget("host:dns").problem, "invalid port \"dns\" (want 1-65535)");
  EXPECT_EQ(prober->CheckTarget("system").problem, std::nullopt);
  EXPECT_EQ(prober->CheckTarget("dns.google").problem, std::nullopt);
  EXPECT_EQ(prober->CheckTarget("[::1]:5353").problem, std::nullopt);
  // The host probe_policy checks up front; the system's resolvers have none.
  EXPECT_EQ(prober->CheckTarget("dns.google").host, "dns.google");
  EXPECT_EQ(prober->CheckTarget("system").host, std::nullopt);
  EXPECT_EQ(prober->CheckTarget("host:0").host, std::nullopt);
}

TEST_F(DnsProberTest, CancelAllEndsRunningProbes) {
  auto config = std::make_shared<Config>();
  Module& module = config->modules["dns"];
  module.prober = "dns";
  module.dns = Query("silent.test", "A");
  ProbeRequest request;
  request.target = server_->address();
  request.config = config;
  request.module = &module;
  request.deadline = Clock::now() + std::chrono::seconds(30);
  auto future = engine_.Probe(std::move(request));
  while (server_->udp_queries() == 0) std::this_thread::sleep_for(milliseconds(5));
  engine_.CancelAll();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(1)), std::future_status::ready);
  EXPECT_FALSE(future.get().success);
}

}  // namespace
}  // namespace outage
