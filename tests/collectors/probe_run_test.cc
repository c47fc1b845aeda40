// ProbeRun, the start-up every prober shares, on a real EventLoop and
// AsyncResolver with a protocol that only records what it is handed: the
// address it may use, a deadline or a cancel during the lookup, probe_policy
// refusing the host or the address, a pinned address, and that every run
// reports exactly once and is destroyed after. Last, a prober's timeout in
// simulated time.
#include "collectors/probe_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "collectors/tcp/tcp_prober.h"
#include "config/ip_network.h"

namespace outage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = EventLoop::Clock;

constexpr auto kWait = std::chrono::seconds(5);

// Seen is what a RecordingRun saw, kept by the test (runs are destroyed).
struct Seen {
  int connects = 0;
  std::string address;  // the address handed to the protocol
  int reports = 0;
  int deadlines = 0;
  bool destroyed = false;
};

// RecordingRun looks its target up and succeeds on the address, unless it
// is told to wait for the deadline there.
class RecordingRun : public ProbeRun {
 public:
  RecordingRun(const ProbeContext& context, ProbeRequest request, ProbeCallback done, Seen* seen,
               bool wait_after_connect)
      : ProbeRun(context, std::move(request), std::move(done)),
        seen_(seen),
        wait_after_connect_(wait_after_connect) {}
  ~RecordingRun() override { seen_->destroyed = true; }

 private:
  void Start() override {
    LookUp(request().target, AddressChoice{IpProtocol::kIp4, false},
           [this](const ResolvedAddress& address) {
             ++seen_->connects;
             seen_->address = address.text;
             if (wait_after_connect_) return;
             result().success = true;
             Finish();
           });
  }
  void OnDeadline() override {
    ++seen_->deadlines;
    Fail(FailureReason::kTimeout, "Deadline passed in the protocol");
  }
  void Report(ProbeResult* result) override {
    ++seen_->reports;
    lookup().AddSamples(result);
  }

  Seen* seen_;
  bool wait_after_connect_;
};

class ProbeRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_->probe_policy.deny_networks.clear();
    module_.name = "fake";
    module_.prober = "fake";
    thread_ = std::thread([this] { loop_.Run(); });
  }
  void TearDown() override {
    OnLoop([this] { runs_.reset(); });
    loop_.Stop();
    thread_.join();
  }

  // OnLoop runs fn on the loop thread and waits for it.
  void OnLoop(const std::function<void()>& fn) {
    std::promise<void> ran;
    loop_.Post([&] {
      fn();
      ran.set_value();
    });
    ASSERT_EQ(ran.get_future().wait_for(kWait), std::future_status::ready);
  }

  ProbeRequest Request(const std::string& target, Clock::duration timeout) {
    ProbeRequest request;
    request.target = target;
    request.config = config_;
    request.module = &module_;
    request.deadline = Clock::now() + timeout;
    request.debug = true;
    return request;
  }

  // Run starts `request` and, inside the same loop task, `then` (a cancel);
  // returns the result, or nullopt if `done` did not run in time.
  std::optional<ProbeResult> Run(ProbeRequest request, bool wait_after_connect = false,
                                 const std::function<void(ProbeRun*)>& then = nullptr) {
    auto finished = std::make_shared<std::promise<ProbeResult>>();
    auto calls = std::make_shared<int>(0);
    OnLoop([&] {
      auto run = std::make_unique<RecordingRun>(
          context_, std::move(request),
          [finished, calls](ProbeResult result) {
            if (++*calls == 1) finished->set_value(std::move(result));
          },
          &seen_, wait_after_connect);
      ProbeRun* raw = run.get();
      runs_->Start(std::move(run));
      if (then && !seen_.destroyed) then(raw);
    });
    std::future<ProbeResult> future = finished->get_future();
    if (future.wait_for(kWait) != std::future_status::ready) return std::nullopt;
    ProbeResult result = future.get();
    // Whatever was still posted for the run has run after two more posts.
    OnLoop([] {});
    OnLoop([] {});
    EXPECT_EQ(*calls, 1);
    return result;
  }

  void Deny(const std::string& network) {
    IpNetwork parsed;
    ASSERT_EQ(ParseIpNetwork(network, &parsed), "");
    config_->probe_policy.deny_networks.push_back(parsed);
  }

  std::optional<double> Value(const ProbeResult& r, std::string_view name) const {
    for (const Sample& s : r.samples) {
      if (s.desc->name == name) return s.value;
    }
    return std::nullopt;
  }

  EventLoop loop_;
  AsyncResolver resolver_{&loop_};
  ProbeContext context_{&loop_, &resolver_};
  std::unique_ptr<ProbeRunSet> runs_ = std::make_unique<ProbeRunSet>(&loop_);
  std::shared_ptr<Config> config_ = std::make_shared<Config>();
  Module module_;
  Seen seen_;
  std::thread thread_;
};

TEST_F(ProbeRunTest, AddressIsHandedToTheProtocolAndReportedOnce) {
  const std::optional<ProbeResult> r = Run(Request("127.0.0.1", kWait));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->success);
  EXPECT_EQ(seen_.connects, 1);
  EXPECT_EQ(seen_.address, "127.0.0.1");
  EXPECT_EQ(seen_.reports, 1);
  EXPECT_TRUE(seen_.destroyed);
  EXPECT_EQ(Value(*r, "probe_ip_protocol"), 4);
  const std::string log = r->log.Text();
  EXPECT_THAT(log, HasSubstr("msg=\"Beginning probe\" probe=fake timeout_seconds="));
  EXPECT_THAT(log, HasSubstr("msg=\"Resolved target address\" target=127.0.0.1 ip=127.0.0.1"));
}

TEST_F(ProbeRunTest, DeadlineDuringLookupIsADnsFailure) {
  // Due at once: the deadline timer runs before the resolver's posted answer.
  const std::optional<ProbeResult> r = Run(Request("127.0.0.1", Clock::duration::zero()));
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->success);
  EXPECT_EQ(r->reason, FailureReason::kDns);
  EXPECT_EQ(seen_.connects, 0);
  EXPECT_EQ(seen_.deadlines, 0);  // the protocol never began
  EXPECT_EQ(seen_.reports, 1);
  EXPECT_TRUE(seen_.destroyed);
  EXPECT_THAT(r->log.Text(), HasSubstr("Deadline passed while resolving the target"));
}

TEST_F(ProbeRunTest, DeadlineAfterTheLookupIsTheProtocols) {
  const std::optional<ProbeResult> r =
      Run(Request("127.0.0.1", std::chrono::milliseconds(200)), /*wait_after_connect=*/true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, FailureReason::kTimeout);
  EXPECT_EQ(seen_.connects, 1);
  EXPECT_EQ(seen_.deadlines, 1);
  EXPECT_THAT(r->log.Text(), HasSubstr("Deadline passed in the protocol"));
}

TEST_F(ProbeRunTest, CancelDuringLookupEndsTheRunAtOnce) {
  const std::optional<ProbeResult> r =
      Run(Request("127.0.0.1", kWait), false, [](ProbeRun* run) { run->Cancel("shutting down"); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, FailureReason::kTimeout);
  EXPECT_EQ(seen_.connects, 0);  // the lookup's answer was dropped
  EXPECT_EQ(seen_.reports, 1);
  EXPECT_TRUE(seen_.destroyed);
  EXPECT_THAT(r->log.Text(), HasSubstr("msg=\"Probe cancelled\" err=\"shutting down\""));
}

TEST_F(ProbeRunTest, CancelAllEndsEveryRun) {
  std::optional<ProbeResult> r = Run(Request("127.0.0.1", kWait), /*wait_after_connect=*/true,
                                     [this](ProbeRun*) { runs_->CancelAll(); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, FailureReason::kTimeout);
  EXPECT_TRUE(seen_.destroyed);
}

TEST_F(ProbeRunTest, PolicyRefusingTheHostStopsBeforeTheLookup) {
  config_->probe_policy.deny_hosts.push_back("*.internal");
  const std::optional<ProbeResult> r = Run(Request("db.internal", kWait));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, FailureReason::kNetwork);
  EXPECT_EQ(seen_.connects, 0);
  EXPECT_EQ(seen_.reports, 1);
  const std::string log = r->log.Text();
  EXPECT_THAT(log, HasSubstr("Connection blocked by probe_policy"));
  EXPECT_THAT(log, Not(HasSubstr("Resolved target address")));
  EXPECT_EQ(Value(*r, "probe_dns_lookup_time_seconds"), 0);
}

TEST_F(ProbeRunTest, PolicyRefusingTheAddressStopsAfterTheLookup) {
  Deny("127.0.0.0/8");
  const std::optional<ProbeResult> r = Run(Request("localhost", kWait));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, FailureReason::kNetwork);
  EXPECT_EQ(seen_.connects, 0);
  const std::string log = r->log.Text();
  EXPECT_THAT(log, HasSubstr("Resolved target address"));
  EXPECT_THAT(log, HasSubstr("Connection blocked by probe_policy"));
  // The address was picked: probe_ip_* still describe it.
  EXPECT_EQ(Value(*r, "probe_ip_protocol"), 4);
}

TEST_F(ProbeRunTest, PinnedAddressStandsForTheLookupAndIsCheckedToo) {
  ProbeRequest request = Request("name.test", kWait);
  request.pinned = PinnedAddress{};
  std::optional<ProbeResult> r;
  OnLoop([&] {
    // An IP literal resolves at once: the pinned address to hand over.
    resolver_.Resolve("192.0.2.7", IpProtocol::kIp4, false, Clock::now() + kWait,
                      [&request](ResolveResult resolved) {
                        request.pinned->address = resolved.addresses.front();
                        request.pinned->resolve_seconds = 0.25;
                      });
  });
  OnLoop([] {});
  ASSERT_EQ(request.pinned->address.text, "192.0.2.7");
  r = Run(request);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->success);
  EXPECT_EQ(seen_.address, "192.0.2.7");
  EXPECT_EQ(Value(*r, "probe_dns_lookup_time_seconds"), 0.25);

  Deny("192.0.2.0/24");
  seen_ = Seen{};
  r = Run(request);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, FailureReason::kNetwork);
  EXPECT_EQ(seen_.connects, 0);
}

TEST(PickAddressTest, FallbackIsTheLastOfTheOtherFamilyAsInBlackbox) {
  // The resolver puts the preferred family first; here there is none of it.
  ResolveResult resolved;
  for (const char* text : {"192.0.2.1", "192.0.2.2"}) {
    ResolvedAddress a;
    a.addr.ss_family = AF_INET;
    a.text = text;
    resolved.addresses.push_back(a);
  }
  ProbeResult result;
  const ResolvedAddress* picked = PickAddress("name.test", IpProtocol::kIp6, resolved, &result);
  ASSERT_NE(picked, nullptr);
  EXPECT_EQ(picked->text, "192.0.2.2");
  picked = PickAddress("name.test", IpProtocol::kIp4, resolved, &result);
  ASSERT_NE(picked, nullptr);
  EXPECT_EQ(picked->text, "192.0.2.1");
}

// A tcp probe whose server accepts the connection and never says a word
// times out at its deadline, 30 s away, in simulated time: the test moves
// the loop's clock on instead of waiting.
TEST(ProberInSimulatedTimeTest, TcpTimeoutWithoutWaiting) {
  // A listener that never accepts: the kernel completes the connection.
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);

  std::atomic<int64_t> skew_seconds{0};
  EventLoop loop(
      [&skew_seconds] { return Clock::now() + std::chrono::seconds(skew_seconds.load()); });
  auto resolver = std::make_unique<AsyncResolver>(&loop);
  auto prober = std::make_unique<TcpProber>(ProbeContext{&loop, resolver.get()});
  std::thread thread([&loop] { loop.Run(); });

  auto config = std::make_shared<Config>();
  Module module;
  module.name = "tcp_silent";
  module.prober = "tcp";
  module.tcp.preferred_ip_protocol = IpProtocol::kIp4;
  QueryResponse step;
  step.expect_bytes = "hello";
  module.tcp.query_response.push_back(step);
  ProbeRequest request;
  request.target = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  request.config = config;
  request.module = &module;
  request.deadline = Clock::now() + std::chrono::seconds(30);

  const auto started = Clock::now();
  std::promise<ProbeResult> finished;
  loop.Post([&] {
    prober->Start(std::move(request),
                  [&finished](ProbeResult result) { finished.set_value(std::move(result)); });
  });
  std::future<ProbeResult> future = finished.get_future();
  // The connection is made once the listener has it queued; the probe is
  // then waiting for the server's first bytes well before 200 ms more.
  pollfd queued{listener, POLLIN, 0};
  ASSERT_EQ(poll(&queued, 1, 5000), 1);
  EXPECT_EQ(future.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  skew_seconds = 31;
  loop.Post([] {});  // wakes the loop to look at its timers again
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  const ProbeResult r = future.get();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(r.reason, FailureReason::kTimeout);
  EXPECT_THAT(r.log.Text(), HasSubstr("Deadline passed waiting for the server"));

  std::promise<void> torn_down;
  loop.Post([&] {
    prober.reset();
    resolver.reset();
    torn_down.set_value();
  });
  torn_down.get_future().wait();
  loop.Stop();
  thread.join();
  close(listener);
}

}  // namespace
}  // namespace outage
