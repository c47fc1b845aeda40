#include "collectors/failure_reason.h"

namespace outage {

std::string_view FailureReasonName(FailureReason reason) {
  switch (reason) {
    case FailureReason::kNone:
      return "none";
    case FailureReason::kDns:
      return "dns";
    case FailureReason::kNetwork:
      return "network";
    case FailureReason::kTls:
      return "tls";
    case FailureReason::kTimeout:
      return "timeout";
    case FailureReason::kHttp5xx:
      return "http_5xx";
    case FailureReason::kHttp429:
      return "http_429";
    case FailureReason::kHttpStatus:
      return "http_status";
    case FailureReason::kContent:
      return "content";
    case FailureReason::kProtocol:
      return "protocol";
    case FailureReason::kMaintenance:
      return "maintenance";
    case FailureReason::kLocalNetwork:
      return "local_network";
  }
  return "none";
}

}  // namespace outage
