// Parses the outage-diagnosis settings: hysteresis thresholds in
// `global:` and per target, `status_pages:`, `maintenance:` windows (top
// level and per target), and a target's control / status_page /
// min_interval keys. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// IsHysteresisKey reports whether `name` is failure_threshold,
// recovery_threshold or degraded_latency.
bool IsHysteresisKey(const std::string& name);

// ParseHysteresisEntry reads one hysteresis key (see IsHysteresisKey) into
// *out; thresholds are integers >= 1, degraded_latency a duration (0 = off).
bool ParseHysteresisEntry(YamlReader& reader, const MapEntry& entry, Hysteresis* out);

// ParseVendorStatusPages reads the top-level `status_pages:` list: unique names,
// http(s) URLs, refresh_interval > 0 (default 60s).
bool ParseVendorStatusPages(YamlReader& reader, const YAML::Node& node,
                            std::vector<VendorStatusPage>* out);

// ParseMaintenanceWindows reads a `maintenance:` list at `path`. Each entry
// is one-off {name, start, end} (RFC 3339, end after start) or recurring
// {name, every: daily | [monday, ...], start: "hh:mm", duration, timezone};
// the time zone is resolved here.
bool ParseMaintenanceWindows(YamlReader& reader, const YAML::Node& node, const std::string& path,
                             std::vector<MaintenanceWindow>* out);

// ParseTargetDiagnosisEntry reads a target's diagnosis key (control, the
// hysteresis keys, status_page, maintenance, min_interval) into *out. Sets
// *known to false, and returns true, for any other key. status_page must
// name one of `pages`.
bool ParseTargetDiagnosisEntry(YamlReader& reader, const MapEntry& entry,
                               const std::vector<VendorStatusPage>& pages, Target* out,
                               bool* known);

// ParseRfc3339 parses "2024-05-01T10:00:00Z" or "...+02:00" (fraction
// ignored) into unix seconds; false when malformed.
bool ParseRfc3339(const std::string& text, int64_t* unix_seconds);

}  // namespace outage::config_internal
