// Command-line flags, in the Prometheus exporters' style (--web.listen-address,
// --config.file, --log.level, ...), parsed with CLI11.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/placement.h"
#include "exporter/logger.h"
#include "exporter/probe_window.h"

namespace outage {

struct Flags {
  // --web.listen-address, repeatable: every address is served.
  std::vector<std::string> listen_addresses{":9115"};
  std::string external_url;  // --web.external-url; empty: derived (web_paths.h)
  std::string route_prefix;  // --web.route-prefix; empty: the external URL's path
  std::string config_file;   // empty: the embedded default configuration
  bool config_check = false;
  // --config.enable-auto-reload: reload when the file's content changes,
  // checked every --config.auto-reload-interval (blackbox 0.26+).
  bool config_auto_reload = false;
  std::chrono::milliseconds config_auto_reload_interval{30'000};
  std::chrono::milliseconds timeout_offset{500};
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kLogfmt;
  // --log.prober (blackbox 0.25+): the level at which each /probe's own log
  // lines are written to the process log; --log.level still filters them.
  LogLevel log_prober = LogLevel::kDebug;
  // Worker threads at most, for the routes that run on workers (/metrics,
  // the status page, the API; /probe and the health checks need none).
  int web_threads = 16;
  std::string web_config_file;  // empty: plain HTTP, no auth
  // --web.max-connections: open HTTP connections at most; 0 sizes it to the
  // file descriptor limit at start (DefaultMaxConnections in main.cc).
  int web_max_connections = 0;
  int probe_max_concurrent = 256;  // /probe requests running at once
  // Probes of configured targets one /metrics scrape runs at once.
  int targets_max_concurrent = static_cast<int>(kScrapeProbesInFlight);
  size_t history_limit = 100;                  // probes kept for /logs (and as many failures)
  int status_refresh_seconds = 30;             // the status page's meta refresh; 0: off
  std::string status_group_label = "service";  // the status page groups by it
  PlacementFlags placement;                    // --targets.shard, --vantage
  // --storage.path: the incident file; empty keeps incidents in memory.
  std::string storage_path = "./data/outage.db";
  std::chrono::milliseconds storage_retention{400LL * 24 * 3600 * 1000};  // --storage.retention
  size_t storage_memory_incidents = 1000;  // closed incidents kept in memory, the latest ended
};

// FlagsOutcome is either flags to run with, or what to print and the exit
// code (for --help, --version and errors).
struct FlagsOutcome {
  std::optional<Flags> flags;
  int exit_code = 0;
  std::string message;  // printed to stdout on success, stderr on error
};

FlagsOutcome ParseFlags(int argc, const char* const* argv);

// ParseSeconds accepts "0.5", "0.5s", "500ms" or "2m"; nullopt otherwise.
std::optional<std::chrono::milliseconds> ParseSeconds(const std::string& text);

}  // namespace outage
