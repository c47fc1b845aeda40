// Assertions shared by the integration tests about what every probe's
// output must look like, whatever the probe found.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "tests/support/metrics_text.h"

namespace outage::test {

// ExpectWellFormedProbe checks the invariants of one probe's series (those
// matching `labels`): probe_success is 0 or 1, all twelve failure reasons
// are present with exactly one set and consistent with probe_success, and
// HTTP probes carry all five probe_http_duration_seconds phases.
void ExpectWellFormedProbe(const MetricsText& metrics, const Labels& labels = {}, bool http = true);

// ExpectPromtoolClean runs `promtool check metrics` and the parser on text.
void ExpectPromtoolClean(std::string_view text);

// GetExposition GETs `url` (an exporter's /metrics or /probe), expects a 200
// whose body is clean (ExpectPromtoolClean), and returns it parsed.
MetricsText GetExposition(const std::string& url,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// CountLines counts non-empty lines.
int CountLines(std::string_view text);

}  // namespace outage::test
