#include "exporter/flags.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>

#include "config/duration.h"
#include "exporter/build_info.h"

namespace outage {

std::optional<std::chrono::milliseconds> ParseSeconds(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(value) || value < 0) return std::nullopt;
  const std::string unit(end);
  double ms;
  if (unit.empty() || unit == "s") {
    ms = value * 1000;
  } else if (unit == "ms") {
    ms = value;
  } else if (unit == "m") {
    ms = value * 60'000;
  } else {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(ms)));
}

std::string VersionText() {
  return std::string("outage_exporter, version ") + kVersion + " (revision: " + kRevision + ")\n";
}

FlagsOutcome ParseFlags(int argc, const char* const* argv) {
  Flags flags;
  std::string timeout_offset = "0.5s";
  std::string log_level = "info";
  std::string log_format = "logfmt";
  std::string log_prober = "debug";
  bool version = false;

  CLI::App app{
      "outage_exporter: probes online services (HTTP, DNS, TCP/TLS, ICMP, gRPC, vendor status "
      "pages) when Prometheus scrapes, and says whether they are down, for whom, and why.",
      "outage_exporter"};
  app.option_defaults()->always_capture_default();
  app.add_option("--web.listen-address", flags.listen_addresses,
                 "Address to listen on for /metrics, /probe and the UI (host:port or :port); "
                 "repeat to listen on several")
      ->default_str(":9115");
  app.add_option("--web.external-url", flags.external_url,
                 "URL under which the exporter is reached (e.g. behind a reverse proxy); used "
                 "for redirects and links. Default: http://<hostname>:<first listen port>/");
  app.add_option("--web.route-prefix", flags.route_prefix,
                 "Path prefix of every endpoint. Default: the path of --web.external-url");
  app.add_option("--config.file", flags.config_file,
                 "YAML configuration file; without it the embedded default (Spotify) is used");
  app.add_flag("--config.check", flags.config_check,
               "Validate the configuration, print the result and exit 0 (valid) or 1");
  app.add_flag("--config.enable-auto-reload", flags.config_auto_reload,
               "Reload the configuration file when its content changes");
  std::string auto_reload_interval = "30s";
  app.add_option("--config.auto-reload-interval", auto_reload_interval,
                 "How often --config.enable-auto-reload checks the file (e.g. 30s, 1m)");
  app.add_option("--timeout-offset", timeout_offset,
                 "Subtracted from Prometheus' scrape timeout to give the probe deadline "
                 "(e.g. 0.5s, 500ms)");
  app.add_option("--log.level", log_level,
                 "Only log messages at or above: debug, info, warn, error");
  app.add_option("--log.format", log_format, "Log line format on stderr: logfmt or json");
  app.add_option("--log.prober", log_prober,
                 "Level at which each /probe's own log lines are written to this log: debug, "
                 "info, warn, error (--log.level still applies)");
  app.add_option("--web.threads", flags.web_threads,
                 "HTTP worker threads at most, for /metrics, the status page and the API "
                 "(/probe and health checks need none)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--probe.max-concurrent", flags.probe_max_concurrent,
                 "/probe requests running at once; more answer 503 at once")
      ->check(CLI::Range(1, 4000));
  app.add_option("--targets.max-concurrent", flags.targets_max_concurrent,
                 "Probes of configured targets one /metrics scrape runs at once; each further "
                 "one starts when one ends, within its deadline")
      ->check(CLI::Range(1, 100000));
  app.add_option("--web.max-connections", flags.web_max_connections,
                 "Open HTTP connections at most; past it the oldest idle keep-alive connection "
                 "is closed first (default: sized to the open-files limit)")
      ->check(CLI::Range(1, 10000000))
      ->default_str("");
  app.add_option("--web.config.file", flags.web_config_file,
                 "Exporter-toolkit web config (YAML) enabling TLS, mTLS and/or basic auth");
  app.add_option("--history.limit", flags.history_limit,
                 "Probes kept in memory for the status page and /logs; as many recent failures "
                 "are kept on top")
      ->check(CLI::Range(1, 100000));
  app.add_option("--web.status-refresh", flags.status_refresh_seconds,
                 "Seconds between automatic reloads of the status page at / (0: never; "
                 "?refresh=N overrides per request)")
      ->check(CLI::Range(0, 3600));
  app.add_option("--web.status-group-label", flags.status_group_label,
                 "Target label that groups targets into services on the status page; a target "
                 "without it is a service of its own");
  std::string shard;
  app.add_option("--targets.shard", shard,
                 "Probe only shard I of N of the configured targets (I/N, 1-based, e.g. 2/3); "
                 "control targets are probed by every shard. Overrides `shard:` in `global:`");
  app.add_option("--vantage", flags.placement.vantage,
                 "Name of this vantage point, added as label `vantage` to every series of the "
                 "configured targets. Overrides `vantage:` in `global:`");
  app.add_option("--storage.path", flags.storage_path,
                 "SQLite file of the incident record (created with its directory; default "
                 "./data/outage.db), locked by one exporter at a time; empty: keep incidents in "
                 "memory only")
      // CLI11 gives an option given without a value (--storage.path= or "")
      // its default_str: that must be the empty path.
      ->expected(0, 1)
      ->default_str("");
  std::string retention = "400d";
  app.add_option("--storage.retention", retention,
                 "How long ended incidents are kept (e.g. 400d, 8w)");
  app.add_option("--storage.memory-incidents", flags.storage_memory_incidents,
                 "Ended incidents kept in memory for /incidents, reports and availability, the "
                 "latest ended; the file keeps every one within --storage.retention")
      ->check(CLI::Range(1, 1000000));
  app.add_flag("--version", version, "Print version information and exit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return FlagsOutcome{std::nullopt, 0, app.help()};
  } catch (const CLI::ParseError& e) {
    return FlagsOutcome{std::nullopt, 1, std::string("outage_exporter: ") + e.what() + "\n"};
  }
  if (version) return FlagsOutcome{std::nullopt, 0, VersionText()};

  auto offset = ParseSeconds(timeout_offset);
  if (!offset) {
    return FlagsOutcome{std::nullopt, 1,
                        "outage_exporter: --timeout-offset: invalid duration \"" + timeout_offset +
                            "\" (use e.g. 0.5s or 500ms)\n"};
  }
  flags.timeout_offset = *offset;
  auto interval = ParseSeconds(auto_reload_interval);
  if (!interval || interval->count() <= 0) {
    return FlagsOutcome{std::nullopt, 1,
                        "outage_exporter: --config.auto-reload-interval: invalid duration \"" +
                            auto_reload_interval + "\" (use e.g. 30s or 1m)\n"};
  }
  flags.config_auto_reload_interval = *interval;
  auto level = ParseLogLevel(log_level);
  if (!level) {
    return FlagsOutcome{std::nullopt, 1,
                        "outage_exporter: --log.level: must be debug, info, warn or error, got \"" +
                            log_level + "\"\n"};
  }
  flags.log_level = *level;
  level = ParseLogLevel(log_prober);
  if (!level) {
    return FlagsOutcome{
        std::nullopt, 1,
        "outage_exporter: --log.prober: must be debug, info, warn or error, got \"" + log_prober +
            "\"\n"};
  }
  flags.log_prober = *level;
  auto format = ParseLogFormat(log_format);
  if (!format) {
    return FlagsOutcome{
        std::nullopt, 1,
        "outage_exporter: --log.format: must be logfmt or json, got \"" + log_format + "\"\n"};
  }
  flags.log_format = *format;
  auto kept = ParseDuration(retention);
  if (!kept || kept->count() <= 0) {
    return FlagsOutcome{std::nullopt, 1,
                        "outage_exporter: --storage.retention: invalid duration \"" + retention +
                            "\" (use e.g. 400d or 8w)\n"};
  }
  flags.storage_retention = *kept;
  if (!shard.empty()) {
    std::string error;
    flags.placement.shard = ParseShard(shard, &error);
    if (!flags.placement.shard) {
      return FlagsOutcome{std::nullopt, 1, "outage_exporter: --targets.shard: " + error + "\n"};
    }
  }
  return FlagsOutcome{flags, 0, ""};
}

}  // namespace outage
