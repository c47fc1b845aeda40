// The service a configured target belongs to: the value of its grouping
// label (--web.status-group-label), shared by the status page and the
// incident record.
#pragma once

#include <string>

#include "config/config.h"

namespace outage {

// kControlServiceName names the one service that holds the control targets
// without a `group_label` label.
inline constexpr char kControlServiceName[] = "Our network (control targets)";

// ServiceName is `t`'s `group_label` label; without one, control targets
// share kControlServiceName and any other target is a service of its own,
// named by its target (password redacted).
std::string ServiceName(const Target& t, const std::string& group_label);

}  // namespace outage
