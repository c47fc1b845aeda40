// Tests for ProbeWindow: at most `width` in flight, a place freed by another
// thread lets the next one in, and near its deadline a probe is let in,
// counted, but told it is too late to start.
#include "exporter/probe_window.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace outage {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kLong = std::chrono::seconds(30);  // never reached when the test passes

TEST(ProbeWindowTest, AdmitsUpToItsWidthWithoutWaiting) {
  ProbeWindow window(3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(window.Enter(Clock::now() + kLong));
  EXPECT_EQ(window.in_flight(), 3u);
}

TEST(ProbeWindowTest, ALeaveFromAnotherThreadLetsTheNextIn) {
  ProbeWindow window(2);
  window.Enter(Clock::now() + kLong);
  window.Enter(Clock::now() + kLong);
  std::atomic<bool> left{false};
  std::thread finisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    left = true;
    window.Leave();
  });
  EXPECT_TRUE(window.Enter(Clock::now() + kLong));
  EXPECT_TRUE(left.load()) << "entered while the window was full";
  EXPECT_EQ(window.in_flight(), 2u);
  finisher.join();
}

TEST(ProbeWindowTest, NearItsDeadlineAProbeIsCountedButNotInTime) {
  ProbeWindow window(1);
  window.Enter(Clock::now() + kLong);
  const auto start = Clock::now();
  EXPECT_FALSE(window.Enter(start + std::chrono::milliseconds(30)));
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(30) - kMinProbeBudget);
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_EQ(window.in_flight(), 2u) << "counted, so its Leave balances";
  window.Leave();
  window.Leave();
  EXPECT_EQ(window.in_flight(), 0u);
}

// Many probes finishing on one thread while a scrape starts them on
// another never exceed the width (run under `make test-tsan` for the locking).
TEST(ProbeWindowTest, AFreePlaceTooCloseToTheDeadlineIsNotInTime) {
  ProbeWindow window(4);
  EXPECT_FALSE(window.Enter(Clock::now() + kMinProbeBudget / 2));
  EXPECT_FALSE(window.Enter(Clock::now() - std::chrono::seconds(1)));
  EXPECT_TRUE(window.Enter(Clock::now() + kLong));
  EXPECT_EQ(window.in_flight(), 3u);
}

TEST(ProbeWindowTest, NeverMoreThanTheWidthInFlight) {
  constexpr size_t kWidth = 4;
  constexpr int kProbes = 2000;
  ProbeWindow window(kWidth);
  std::atomic<int> started{0};
  std::atomic<int> finished{0};
  std::atomic<size_t> most{0};
  std::thread finisher([&] {
    while (finished < kProbes) {
      if (finished < started) {
        ++finished;
        window.Leave();
      } else {
        std::this_thread::yield();
      }
    }
  });
  for (int i = 0; i < kProbes; ++i) {
    ASSERT_TRUE(window.Enter(Clock::now() + kLong));
    ++started;
    size_t now = window.in_flight();
    size_t seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
  }
  finisher.join();
  EXPECT_LE(most.load(), kWidth);
  EXPECT_EQ(window.in_flight(), 0u);
}

TEST(ProbeWindowTest, AWidthOfZeroStillAdmitsOne) {
  ProbeWindow window(0);
  EXPECT_EQ(window.width(), 1u);
  EXPECT_TRUE(window.Enter(Clock::now() + kLong));
}

}  // namespace
}  // namespace outage
