// Tests for the fixed failure-reason taxonomy.
#include "collectors/failure_reason.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace outage {
namespace {

TEST(FailureReasonTest, AllReasonsInExpositionOrderWithTheirNames) {
  const std::vector<std::string> want = {"none",    "dns",      "network",     "tls",
                                         "timeout", "http_5xx", "http_429",    "http_status",
                                         "content", "protocol", "maintenance", "local_network"};
  ASSERT_EQ(kAllFailureReasons.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(FailureReasonName(kAllFailureReasons[i]), want[i]) << "index " << i;
  }
}

TEST(FailureReasonTest, ListHoldsEveryEnumeratorOnce) {
  std::set<int> seen;
  for (FailureReason r : kAllFailureReasons) seen.insert(static_cast<int>(r));
  EXPECT_EQ(seen.size(), kAllFailureReasons.size());
  EXPECT_EQ(*seen.begin(), static_cast<int>(FailureReason::kNone));
  EXPECT_EQ(*seen.rbegin(), static_cast<int>(FailureReason::kLocalNetwork));
}

TEST(FailureReasonTest, NamedReasons) {
  EXPECT_EQ(FailureReasonName(FailureReason::kHttp5xx), "http_5xx");
  EXPECT_EQ(FailureReasonName(FailureReason::kHttp429), "http_429");
  EXPECT_EQ(FailureReasonName(FailureReason::kLocalNetwork), "local_network");
}

}  // namespace
}  // namespace outage
