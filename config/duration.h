// Prometheus-style durations ("500ms", "5s", "1m30s", "1h", "2d", "1w", "1y").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace outage {

// ParseDuration parses a Prometheus duration: one or more <integer><unit>
// terms, units y w d h m s ms, largest first, each at most once. "0" alone is
// allowed. Returns nullopt for anything else (including negative or empty).
std::optional<Duration> ParseDuration(std::string_view text);

// FormatDuration renders d the way Prometheus does ("1m30s", "500ms", "0s").
std::string FormatDuration(Duration d);

}  // namespace outage
