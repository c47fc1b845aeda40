// /api/v1/status: the status page's content as JSON for scripts and chat
// bots. Field names are stable and documented in README.md ("JSON status
// API"); new fields may be added, existing ones keep their meaning.
#pragma once

#include <string>

#include "exporter/status_page/status_report.h"

namespace outage {

// StatusJson serialises `report` (times as RFC 3339 UTC strings, null when
// unknown; durations in seconds). Each probe's log_url is `logs_path` (the
// /logs endpoint as clients reach it, see WebPaths::Link) plus "?id=N".
std::string StatusJson(const StatusReport& report, const std::string& logs_path = "/logs");

}  // namespace outage
