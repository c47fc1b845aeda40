// Tests for TargetState: thresholds exactly, recovery, degraded,
// maintenance, local_network and down time, in simulated time.
#include "diagnosis/target_state.h"

#include <gtest/gtest.h>

namespace outage {
namespace {

using std::chrono::seconds;

Hysteresis Thresholds(int failures, int recoveries, int degraded_ms = 0) {
  Hysteresis h;
  h.failure_threshold = failures;
  h.recovery_threshold = recoveries;
  h.degraded_latency = Duration(degraded_ms);
  return h;
}

class TargetStateTest : public ::testing::Test {
 protected:
  // Observe `outcome` `n` times, one simulated 15 s scrape apart.
  void Feed(ProbeOutcome outcome, int n = 1) {
    for (int i = 0; i < n; ++i) {
      clock_.Advance(seconds(15));
      state_.Observe(outcome, h_, clock_.Now());
    }
  }

  FakeClock clock_;
  Hysteresis h_ = Thresholds(3, 2);
  TargetState state_{clock_.Now()};
};

TEST_F(TargetStateTest, StartsUnknownSinceCreation) {
  EXPECT_EQ(state_.state(), OutageState::kUnknown);
  EXPECT_EQ(state_.last_change(), clock_.Now());
  EXPECT_EQ(state_.state_changes(), 0);
  EXPECT_EQ(state_.DownSeconds(clock_.Now()), 0);
}

TEST_F(TargetStateTest, DownExactlyAtFailureThreshold) {
  Feed(ProbeOutcome::kFailure, 2);
  EXPECT_EQ(state_.state(), OutageState::kUnknown);
  EXPECT_EQ(state_.consecutive_failures(), 2);
  Feed(ProbeOutcome::kFailure);
  EXPECT_EQ(state_.state(), OutageState::kDown);
  EXPECT_EQ(state_.consecutive_failures(), 3);
  EXPECT_EQ(state_.state_changes(), 1);
  EXPECT_EQ(state_.last_change(), clock_.Now());
}

TEST_F(TargetStateTest, UpExactlyAtRecoveryThresholdAndStaysUpOnOneFailure) {
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUnknown);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUp);
  Feed(ProbeOutcome::kFailure, 2);
  EXPECT_EQ(state_.state(), OutageState::kUp);
  // A success resets the count: two more failures are still not enough.
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.consecutive_failures(), 0);
  Feed(ProbeOutcome::kFailure, 2);
  EXPECT_EQ(state_.state(), OutageState::kUp);
  Feed(ProbeOutcome::kFailure);
  EXPECT_EQ(state_.state(), OutageState::kDown);
}

TEST_F(TargetStateTest, RecoveryNeedsConsecutiveSuccesses) {
  Feed(ProbeOutcome::kFailure, 3);
  ASSERT_EQ(state_.state(), OutageState::kDown);
  Feed(ProbeOutcome::kSuccess);
  Feed(ProbeOutcome::kFailure);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kDown);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUp);
  EXPECT_EQ(state_.state_changes(), 2);
}

TEST_F(TargetStateTest, SlowSuccessesMeanDegradedAndFastOnesUpAgain) {
  Feed(ProbeOutcome::kSlowSuccess, 2);
  EXPECT_EQ(state_.state(), OutageState::kDegraded);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kDegraded);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUp);
  Feed(ProbeOutcome::kSlowSuccess);
  Feed(ProbeOutcome::kSuccess);
  Feed(ProbeOutcome::kSlowSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUp);
  Feed(ProbeOutcome::kSlowSuccess);
  EXPECT_EQ(state_.state(), OutageState::kDegraded);
}

TEST_F(TargetStateTest, RecoveringWithMixedSpeedsIsUp) {
  Feed(ProbeOutcome::kFailure, 3);
  Feed(ProbeOutcome::kSlowSuccess);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUp);
}

TEST_F(TargetStateTest, MaintenanceIsImmediateAndNotDownTime) {
  Feed(ProbeOutcome::kSuccess, 2);
  Feed(ProbeOutcome::kMaintenance);
  EXPECT_EQ(state_.state(), OutageState::kMaintenance);
  EXPECT_EQ(state_.consecutive_failures(), 1);
  Feed(ProbeOutcome::kMaintenance, 10);
  EXPECT_EQ(state_.state(), OutageState::kMaintenance);
  EXPECT_EQ(state_.DownSeconds(clock_.Now()), 0);
  // The window closes and the target still fails: it has failed long enough.
  Feed(ProbeOutcome::kFailure);
  EXPECT_EQ(state_.state(), OutageState::kDown);
}

TEST_F(TargetStateTest, MaintenanceEndsWithRecovery) {
  Feed(ProbeOutcome::kMaintenance);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kMaintenance);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUp);
}

TEST_F(TargetStateTest, LocalNetworkIsUnknownAndKeepsTheEvidence) {
  Feed(ProbeOutcome::kFailure, 3);
  ASSERT_EQ(state_.state(), OutageState::kDown);
  Feed(ProbeOutcome::kLocalNetwork, 4);
  EXPECT_EQ(state_.state(), OutageState::kUnknown);
  EXPECT_EQ(state_.consecutive_failures(), 3);
  // Our network is back and the target still fails: down again at once.
  Feed(ProbeOutcome::kFailure);
  EXPECT_EQ(state_.state(), OutageState::kDown);
  EXPECT_EQ(state_.state_changes(), 3);
}

TEST_F(TargetStateTest, LocalNetworkFromUpReturnsToUpOnTheNextSuccess) {
  Feed(ProbeOutcome::kSuccess, 2);
  Feed(ProbeOutcome::kLocalNetwork);
  EXPECT_EQ(state_.state(), OutageState::kUnknown);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUp);
}

TEST_F(TargetStateTest, DownSecondsAccumulateOnlyWhileDown) {
  Feed(ProbeOutcome::kFailure, 3);  // down from now
  const WallTime down_at = clock_.Now();
  clock_.Advance(seconds(30));
  EXPECT_DOUBLE_EQ(state_.DownSeconds(clock_.Now()), 30);
  Feed(ProbeOutcome::kSuccess, 2);  // 2 x 15 s later: up
  EXPECT_DOUBLE_EQ(state_.DownSeconds(clock_.Now()), 60);
  EXPECT_EQ(state_.last_change(), down_at + seconds(60));
  clock_.Advance(seconds(3600));
  EXPECT_DOUBLE_EQ(state_.DownSeconds(clock_.Now()), 60);
  Feed(ProbeOutcome::kFailure, 3);
  clock_.Advance(seconds(10));
  EXPECT_DOUBLE_EQ(state_.DownSeconds(clock_.Now()), 70);
  // Unknown (our network) stops the count.
  Feed(ProbeOutcome::kLocalNetwork);
  clock_.Advance(seconds(100));
  EXPECT_DOUBLE_EQ(state_.DownSeconds(clock_.Now()), 85);
}

TEST_F(TargetStateTest, ThresholdOfOneActsOnEveryProbe) {
  h_ = Thresholds(1, 1);
  Feed(ProbeOutcome::kFailure);
  EXPECT_EQ(state_.state(), OutageState::kDown);
  Feed(ProbeOutcome::kSuccess);
  EXPECT_EQ(state_.state(), OutageState::kUp);
}

TEST(OutageStateNameTest, NamesEveryState) {
  std::vector<std::string> names;
  for (OutageState s : kAllOutageStates) names.emplace_back(OutageStateName(s));
  EXPECT_EQ(names, (std::vector<std::string>{"up", "degraded", "down", "maintenance", "unknown"}));
}

}  // namespace
}  // namespace outage
