// The real exporter probing hostile loopback targets: every probe ends within
// its deadline + 100 ms (measured by the client; 500 ms under sanitizers), memory stays bounded,
// and file descriptors return to their baseline afterwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/reliability/hostile_servers.h"
#include "tests/reliability/process_stats.h"
#include "tests/reliability/reliability_util.h"
#include "tests/support/exporter_process.h"
#include "tests/support/temp_dir.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;

// Every module here has a 1 s timeout and no scrape-timeout header is sent,
// so the probe deadline is 1 s after the request arrives.
constexpr milliseconds kDeadline{1000};
constexpr milliseconds kSlack = kDeadlineSlack;

constexpr char kConfig[] = R"(modules:
  http_1s:
    prober: http
    timeout: 1s
    http:
      preferred_ip_protocol: ip4
  dns_1s:
    prober: dns
    timeout: 1s
    dns:
      query_name: example.test
      query_type: A
      transport_protocol: udp
      preferred_ip_protocol: ip4
)";

struct HostileCase {
  std::string name;
  std::string target;
  std::string module;
  std::set<std::string> reasons;  // acceptable probe_failure_reason values
};

class FaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    for (Hostility h :
         {Hostility::kSilent, Hostility::kTrickle, Hostility::kResetMidBody,
          Hostility::kEndlessBody, Hostility::kEndlessHeaders, Hostility::kEndlessRedirects}) {
      auto server = HostileServer::Start(h, &error);
      ASSERT_NE(server, nullptr) << error;
      servers_->push_back(std::move(server));
    }
    dns_ = BlackHoleDnsServer::Start(&error).release();
    ASSERT_NE(dns_, nullptr) << error;
    tmp_ = new TempDir();
    const std::string config = tmp_->WriteFile("config.yml", kConfig);
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + config}, &error).release();
    ASSERT_NE(exporter_, nullptr) << error;
  }

  static void TearDownTestSuite() {
    delete exporter_;
    exporter_ = nullptr;
    delete dns_;
    dns_ = nullptr;
    servers_->clear();
    delete tmp_;
    tmp_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(exporter_, nullptr); }

  static std::vector<HostileCase> Cases() {
    std::vector<HostileCase> out;
    const std::set<std::string> expected[] = {
        {"timeout"},              // silent
        {"timeout"},              // trickle
        {"network", "protocol"},  // reset mid-body
        {"protocol"},             // endless body: over body_size_limit
        {"protocol"},             // endless headers: over the header limits
        {"protocol"},             // endless redirects: too many redirects
    };
    for (size_t i = 0; i < servers_->size(); ++i) {
      Hostility h = static_cast<Hostility>(i);
      out.push_back({HostileName(h), (*servers_)[i]->Url("/"), "http_1s", expected[i]});
      // Eleven hops in 1 s, 28 probes at once: at sanitizer speed the
      // deadline may come first, which is a timeout (still by the deadline).
      if (h == Hostility::kEndlessRedirects && kSanitizerTimeScale > 1) {
        out.back().reasons.insert("timeout");
      }
    }
    out.push_back({"dns_black_hole", dns_->Address(), "dns_1s", {"dns", "timeout"}});
    return out;
  }

  // CheckProbe asserts one answer: 200, a failed probe for an acceptable
  // reason, ended within the deadline plus slack.
  static void CheckProbe(const HostileCase& c, const TimedProbe& p) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(p.response.ok) << p.response.error;
    ASSERT_EQ(p.response.status, 200) << p.response.body;
    EXPECT_LE(p.elapsed, kDeadline + kSlack) << c.name << " took " << p.elapsed.count() << " s";
    const MetricsText m = MetricsText::Parse(p.response.body);
    EXPECT_EQ(m.Value("probe_success"), 0.0);
    EXPECT_TRUE(c.reasons.count(m.FailureReason()) == 1)
        << c.name << " failed for reason " << m.FailureReason();
  }

  static inline std::vector<std::unique_ptr<HostileServer>>* servers_ =
      new std::vector<std::unique_ptr<HostileServer>>();
  static inline BlackHoleDnsServer* dns_ = nullptr;
  static inline TempDir* tmp_ = nullptr;
  static inline ExporterProcess* exporter_ = nullptr;
};

TEST_F(FaultTest, EachHostileTargetEndsByItsDeadline) {
  for (const HostileCase& c : Cases()) {
    const TimedProbe p = ProbeTimed(exporter_->BaseUrl(), c.target, c.module);
    CheckProbe(c, p);
    std::cout << "[ fault    ] " << c.name << ": " << p.elapsed.count() << " s, reason "
              << MetricsText::Parse(p.response.body).FailureReason() << "\n";
  }
  EXPECT_GT(dns_->DroppedCount(), 0) << "the DNS probe never reached the black hole";
}

TEST_F(FaultTest, ManyHostileProbesAtOnceLeaveNoResidue) {
  const pid_t pid = exporter_->Pid();
  const std::vector<HostileCase> cases = Cases();
  // Warm up once (curl, c-ares and the web server allocate lazily), then
  // settle, and take the baseline.
  for (const HostileCase& c : cases) ProbeTimed(exporter_->BaseUrl(), c.target, c.module);
  std::this_thread::sleep_for(milliseconds(300));
  const int fds_before = CountOpenFds(pid);
  const int64_t rss_before = ReadStatusKb(pid, "VmRSS");
  ASSERT_GT(fds_before, 0);
  ASSERT_GT(rss_before, 0);

  constexpr int kRounds = 4;
  constexpr int kCopies = 4;  // concurrent probes of each target per round
  for (int round = 0; round < kRounds; ++round) {
    std::vector<TimedProbe> results(cases.size() * kCopies);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < results.size(); ++i) {
      threads.emplace_back([&, i] {
        const HostileCase& c = cases[i % cases.size()];
        results[i] = ProbeTimed(exporter_->BaseUrl(), c.target, c.module);
      });
    }
    for (auto& t : threads) t.join();
    for (size_t i = 0; i < results.size(); ++i) CheckProbe(cases[i % cases.size()], results[i]);
  }

  const int fds_after = WaitForFdsAtMost(pid, fds_before, milliseconds(3000));
  const int64_t rss_after = ReadStatusKb(pid, "VmRSS");
  const int64_t hwm = ReadStatusKb(pid, "VmHWM");
  std::cout << "[ fault    ] fds " << fds_before << " -> " << fds_after << ", VmRSS " << rss_before
            << " -> " << rss_after << " KiB, VmHWM " << hwm << " KiB\n";
  EXPECT_LE(fds_after, fds_before) << "file descriptors leaked";
  // 112 hostile probes, endless bodies among them: memory must not follow
  // what the targets send (body_size_limit, header limits).
  if (kCheckRssBounds) {
    EXPECT_LE(rss_after, rss_before + 32 * 1024)
        << "RSS grew by " << rss_after - rss_before << " KiB";
    EXPECT_LE(hwm, rss_before + 64 * 1024);
  }
}

}  // namespace
}  // namespace outage::test
