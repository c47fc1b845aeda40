// TargetLookup on a real EventLoop and AsyncResolver: each way from a target
// host to an address (or a recorded failure), its timing and samples, and
// that a stopped or destroyed lookup never calls back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "collectors/probe_target.h"
#include "config/ip_network.h"

namespace outage {
namespace {

using ::testing::HasSubstr;
using Clock = EventLoop::Clock;

constexpr auto kWait = std::chrono::seconds(5);

// Outcome is what a lookup's `done` saw.
struct Outcome {
  bool called = false;
  std::optional<std::string> ip;  // nullopt: called with nullptr
};

class TargetLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    thread_ = std::thread([this] { loop_.Run(); });
  }
  void TearDown() override {
    OnLoop([this] {
      lookup_.reset();
      resolver_.reset();
    });
    loop_.Stop();
    thread_.join();
  }

  // OnLoop runs fn on the loop thread and waits for it.
  void OnLoop(std::function<void()> fn) {
    std::promise<void> ran;
    loop_.Post([&] {
      fn();
      ran.set_value();
    });
    ASSERT_EQ(ran.get_future().wait_for(kWait), std::future_status::ready);
  }

  // Lookup runs one lookup of `host` to its end; *started is Start's answer.
  Outcome Lookup(const std::string& host, IpProtocol preferred, bool fallback, bool* started) {
    std::promise<Outcome> finished;
    OnLoop([&] {
      lookup_ = std::make_unique<TargetLookup>(resolver_.get());
      *started = lookup_->Start(policy_, host, preferred, fallback, Clock::now() + kWait, &result_,
                                [&finished](const ResolvedAddress* address) {
                                  Outcome outcome{true, std::nullopt};
                                  if (address != nullptr) outcome.ip = address->text;
                                  finished.set_value(outcome);
                                });
      if (!*started) finished.set_value(Outcome{});
    });
    std::future<Outcome> outcome = finished.get_future();
    if (outcome.wait_for(kWait) != std::future_status::ready) return Outcome{};
    return outcome.get();
  }

  void Deny(const std::string& network) {
    IpNetwork parsed;
    ASSERT_EQ(ParseIpNetwork(network, &parsed), "");
    policy_.deny_networks.push_back(parsed);
  }

  std::optional<double> Value(std::string_view name) const {
    for (const Sample& s : result_.samples) {
      if (s.desc->name == name) return s.value;
    }
    return std::nullopt;
  }

  EventLoop loop_;
  std::unique_ptr<AsyncResolver> resolver_ = std::make_unique<AsyncResolver>(&loop_);
  std::unique_ptr<TargetLookup> lookup_;
  ProbePolicy policy_;
  ProbeResult result_;
  std::thread thread_;
};

TEST_F(TargetLookupTest, LiteralIsPickedTimedAndReported) {
  bool started = false;
  const Outcome outcome = Lookup("127.0.0.1", IpProtocol::kIp4, false, &started);
  ASSERT_TRUE(started);
  ASSERT_TRUE(outcome.called);
  EXPECT_EQ(outcome.ip, "127.0.0.1");
  OnLoop([this] {
    EXPECT_FALSE(lookup_->pending());
    EXPECT_EQ(lookup_->ip(), "127.0.0.1");
    EXPECT_GE(lookup_->seconds(), 0);
    lookup_->AddSamples(&result_);
  });
  EXPECT_EQ(result_.reason, FailureReason::kNone);
  EXPECT_TRUE(Value("probe_dns_lookup_time_seconds").has_value());
  EXPECT_EQ(Value("probe_ip_protocol"), 4);
  EXPECT_THAT(result_.log.Text(), HasSubstr("Resolved target address"));
}

TEST_F(TargetLookupTest, NameIsResolved) {
  bool started = false;
  const Outcome outcome = Lookup("localhost", IpProtocol::kIp4, false, &started);
  ASSERT_TRUE(started);
  EXPECT_EQ(outcome.ip, "127.0.0.1") << result_.log.Text();
}

TEST_F(TargetLookupTest, DeniedHostNeverStarts) {
  policy_.deny_hosts.push_back("*.internal");
  bool started = true;
  const Outcome outcome = Lookup("db.internal", IpProtocol::kIp4, true, &started);
  EXPECT_FALSE(started);
  EXPECT_FALSE(outcome.called);
  EXPECT_EQ(result_.reason, FailureReason::kNetwork);
  EXPECT_THAT(result_.log.Text(), HasSubstr("Connection blocked by probe_policy"));
  OnLoop([this] {
    EXPECT_FALSE(lookup_->pending());
    EXPECT_EQ(lookup_->seconds(), 0);
  });
}

TEST_F(TargetLookupTest, DeniedAddressFailsAfterResolving) {
  Deny("127.0.0.0/8");
  bool started = false;
  const Outcome outcome = Lookup("localhost", IpProtocol::kIp4, false, &started);
  ASSERT_TRUE(started);
  ASSERT_TRUE(outcome.called);
  EXPECT_FALSE(outcome.ip.has_value());
  EXPECT_EQ(result_.reason, FailureReason::kNetwork);
  const std::string log = result_.log.Text();
  EXPECT_THAT(log, HasSubstr("Resolved target address"));
  EXPECT_THAT(log, HasSubstr("Connection blocked by probe_policy"));
  // The address was picked: probe_ip_* still describe it.
  OnLoop([this] { EXPECT_EQ(lookup_->ip(), "127.0.0.1"); });
}

TEST_F(TargetLookupTest, NoAddressOfTheFamilyIsADnsFailure) {
  bool started = false;
  const Outcome outcome = Lookup("127.0.0.1", IpProtocol::kIp6, false, &started);
  ASSERT_TRUE(started);
  ASSERT_TRUE(outcome.called);
  EXPECT_FALSE(outcome.ip.has_value());
  EXPECT_EQ(result_.reason, FailureReason::kDns);
  EXPECT_THAT(result_.log.Text(), HasSubstr("Error resolving address"));
}

TEST_F(TargetLookupTest, StoppedLookupNeverCallsBack) {
  bool called = false;
  OnLoop([&] {
    lookup_ = std::make_unique<TargetLookup>(resolver_.get());
    ASSERT_TRUE(lookup_->Start(policy_, "localhost", IpProtocol::kIp4, false, Clock::now() + kWait,
                               &result_, [&called](const ResolvedAddress*) { called = true; }));
    EXPECT_TRUE(lookup_->pending());
    lookup_->Stop();
    EXPECT_FALSE(lookup_->pending());
  });
  // Anything already posted for it has run once a later post has.
  OnLoop([] {});
  OnLoop([] {});
  EXPECT_FALSE(called);
}

TEST_F(TargetLookupTest, OwnerMayDestroyItFromDone) {
  std::promise<void> destroyed;
  OnLoop([&] {
    lookup_ = std::make_unique<TargetLookup>(resolver_.get());
    lookup_->Start(policy_, "127.0.0.1", IpProtocol::kIp4, false, Clock::now() + kWait, &result_,
                   [&](const ResolvedAddress*) {
                     lookup_.reset();
                     destroyed.set_value();
                   });
  });
  EXPECT_EQ(destroyed.get_future().wait_for(kWait), std::future_status::ready);
}

}  // namespace
}  // namespace outage
