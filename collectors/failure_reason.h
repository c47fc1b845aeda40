// The fixed failure-reason taxonomy from DESIGN.md, exported as the one-hot
// state set probe_failure_reason{reason}.
#pragma once

#include <array>
#include <string_view>

namespace outage {

enum class FailureReason {
  kNone,
  kDns,
  kNetwork,
  kTls,
  kTimeout,
  kHttp5xx,
  kHttp429,
  kHttpStatus,
  kContent,
  kProtocol,
  kMaintenance,
  kLocalNetwork,
};

// kAllFailureReasons lists every reason in exposition order.
inline constexpr std::array<FailureReason, 12> kAllFailureReasons = {
    FailureReason::kNone,     FailureReason::kDns,         FailureReason::kNetwork,
    FailureReason::kTls,      FailureReason::kTimeout,     FailureReason::kHttp5xx,
    FailureReason::kHttp429,  FailureReason::kHttpStatus,  FailureReason::kContent,
    FailureReason::kProtocol, FailureReason::kMaintenance, FailureReason::kLocalNetwork,
};

// FailureReasonName is the label value: "none", "dns", "http_5xx", ...
std::string_view FailureReasonName(FailureReason reason);

}  // namespace outage
