// Tests for ProbeTimeout, the one place a probe's time budget is computed.
#include "exporter/deadline.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace outage {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kOffset{500};
constexpr milliseconds kUnset{0};

TEST(ProbeTimeoutTest, HeaderMinusOffset) {
  EXPECT_EQ(ProbeTimeout(std::string("10"), kOffset, kUnset), milliseconds(9'500));
  EXPECT_EQ(ProbeTimeout(std::string("2.5"), kOffset, kUnset), milliseconds(2'000));
  EXPECT_EQ(ProbeTimeout(std::string("10"), milliseconds(0), kUnset), milliseconds(10'000));
}

TEST(ProbeTimeoutTest, HeaderBudgetIsCappedByModuleTimeout) {
  EXPECT_EQ(ProbeTimeout(std::string("10"), kOffset, milliseconds(3'000)), milliseconds(3'000));
}

TEST(ProbeTimeoutTest, ModuleTimeoutLongerThanHeaderBudgetDoesNotExtendIt) {
  EXPECT_EQ(ProbeTimeout(std::string("5"), kOffset, milliseconds(30'000)), milliseconds(4'500));
}

TEST(ProbeTimeoutTest, NoHeaderUsesModuleTimeout) {
  EXPECT_EQ(ProbeTimeout(std::nullopt, kOffset, milliseconds(3'000)), milliseconds(3'000));
}

TEST(ProbeTimeoutTest, NoHeaderAndNoModuleTimeoutUsesDefault) {
  EXPECT_EQ(ProbeTimeout(std::nullopt, kOffset, kUnset), milliseconds(10'000));
  EXPECT_EQ(kDefaultProbeTimeout, milliseconds(10'000));
}

TEST(ProbeTimeoutTest, EmptyHeaderIsIgnored) {
  EXPECT_EQ(ProbeTimeout(std::string(""), kOffset, kUnset), kDefaultProbeTimeout);
}

TEST(ProbeTimeoutTest, UnusableHeadersAreIgnored) {
  for (const char* header :
       {"abc", "10s", "1O", "-5", "0", "-0.5", "nan", "inf", "1e999", " ", "10 seconds"}) {
    SCOPED_TRACE(header);
    EXPECT_EQ(ProbeTimeout(std::string(header), kOffset, kUnset), kDefaultProbeTimeout);
    EXPECT_EQ(ProbeTimeout(std::string(header), kOffset, milliseconds(3'000)), milliseconds(3'000));
  }
}

TEST(ProbeTimeoutTest, NeverBelowMinimum) {
  // A header smaller than the offset would leave nothing, or less than nothing.
  EXPECT_EQ(ProbeTimeout(std::string("0.5"), kOffset, kUnset), kMinProbeTimeout);
  EXPECT_EQ(ProbeTimeout(std::string("0.1"), kOffset, kUnset), kMinProbeTimeout);
  EXPECT_EQ(ProbeTimeout(std::string("0.001"), milliseconds(0), kUnset), kMinProbeTimeout);
  EXPECT_EQ(ProbeTimeout(std::nullopt, kOffset, milliseconds(1)), kMinProbeTimeout);
}

TEST(ProbeTimeoutTest, JustAboveMinimumIsKept) {
  EXPECT_EQ(ProbeTimeout(std::string("0.52"), kOffset, kUnset), milliseconds(20));
}

}  // namespace
}  // namespace outage
