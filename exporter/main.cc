// outage_exporter: entry point. Parses flags, loads the config, starts the
// probe engine and the HTTP server, then waits for signals (SIGHUP reloads,
// SIGTERM/SIGINT shut down gracefully).
#include <curl/curl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "collectors/probe_engine.h"
#include "collectors/vendor_status/vendor_status_cache.h"
#include "config/config_loader.h"
#include "config/web_config_loader.h"
#include "diagnosis/clock.h"
#include "diagnosis/diagnosis.h"
#include "diagnosis/incidents/incident_recorder.h"
#include "diagnosis/incidents/store_writer.h"
#include "diagnosis/target_store.h"
#include "exporter/flags.h"
#include "exporter/handlers.h"
#include "exporter/incident_handlers.h"
#include "exporter/logger.h"
#include "exporter/probe_limiter.h"
#include "exporter/server/http_server.h"
#include "exporter/server/web_paths.h"
#include "exporter/state/config_auto_reload.h"
#include "exporter/state/config_state.h"
#include "exporter/state/probe_history.h"
#include "exporter/state/target_stats.h"

namespace outage {
namespace {

// ValidateTargets checks what only the probers know: that each configured
// target's prober exists in this build and that it accepts the target.
// Hostname names this machine in the default --web.external-url.
std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::optional<std::string> ValidateTargets(const Config& config, const ProbeEngine& engine) {
  for (size_t i = 0; i < config.targets.size(); ++i) {
    const Target& t = config.targets[i];
    const Module& module = config.modules.at(t.module);
    const std::string where = "targets[" + std::to_string(i) + "]";
    const Prober* prober = engine.FindProber(module.prober);
    if (prober == nullptr) {
      return where + ": module \"" + t.module + "\" uses prober \"" + module.prober +
             "\", which this build does not have";
    }
    if (auto problem = prober->CheckTarget(t.target).problem) {
      return where + ".target: \"" + t.identity.display + "\": " + *problem;
    }
  }
  return std::nullopt;
}

int CheckConfig(const Flags& flags, const ProbeEngine& engine) {
  ConfigResult loaded =
      flags.config_file.empty() ? LoadDefaultConfig() : LoadConfigFile(flags.config_file);
  if (auto* e = std::get_if<ConfigError>(&loaded)) {
    std::cerr << e->ToString() << "\n";
    return 1;
  }
  const auto& ok = std::get<LoadedConfig>(loaded);
  for (const auto& w : ok.warnings) std::cerr << "warning: " << w << "\n";
  Config placed = *ok.config;  // checks the vantage label; counts every shard's targets
  if (auto problem = ApplyPlacement(PlacementFlags{Shard{}, flags.placement.vantage}, &placed)) {
    std::cerr << ok.config->source << ": " << *problem << "\n";
    return 1;
  }
  if (auto problem = ValidateTargets(*ok.config, engine)) {
    std::cerr << ok.config->source << ": " << *problem << "\n";
    return 1;
  }
  std::cout << ok.config->source << ": config is valid (" << ok.config->modules.size()
            << " modules, " << ok.config->targets.size() << " targets)\n";
  return 0;
}

// OpenIncidentFile starts the writer of --storage.path and reads the
// incidents it holds into *stored; null (with *stored empty) when the flag
// is empty. A file we must not touch is an error: *refused is set.
std::unique_ptr<StoreWriter> OpenIncidentFile(const Flags& flags, const Clock* clock,
                                              std::vector<Incident>* stored, bool* refused) {
  if (flags.storage_path.empty()) {
    Log().Info(
        "Incidents are kept in memory only (--storage.path is empty); a restart forgets them");
    return nullptr;
  }
  StoreWriterOptions options;
  options.path = flags.storage_path;
  options.retention = flags.storage_retention;
  options.log = [](const std::string& message, const std::string& error) {
    if (error.empty()) {
      Log().Info(message);
    } else {
      Log().Warn(message, {{"err", error}});
    }
  };
  auto writer = std::make_unique<StoreWriter>(clock, std::move(options));
  if (auto error = writer->Start(stored)) {
    Log().Error("Cannot use --storage.path", {{"err", *error}});
    *refused = true;
    return nullptr;
  }
  std::error_code ec;
  Log().Info("Incident storage",
             {{"path", std::filesystem::absolute(flags.storage_path, ec).lexically_normal()},
              {"up", writer->up() ? "true" : "false"},
              {"incidents", std::to_string(stored->size())}});
  return writer;
}

// StopGracefully lets in-flight requests finish for up to a second, then cancels
// the probes still running so that shutdown never waits a full deadline.
void StopGracefully(HttpServer* server, ProbeEngine* engine) {
  auto stopped = std::async(std::launch::async, [server] { server->Stop(); });
  if (stopped.wait_for(std::chrono::milliseconds(1000)) != std::future_status::ready) {
    Log().Info("Cancelling probes still running at shutdown",
               {{"in_flight", std::to_string(engine->InFlight())}});
    engine->CancelAll();
  }
  stopped.wait();
}

// RaiseOpenFilesLimit lifts the soft RLIMIT_NOFILE to the hard limit, as Go
// programs (blackbox_exporter) do at start: every connection and every probe
// costs a descriptor. Returns the soft limit in force.
rlim_t RaiseOpenFilesLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  const rlim_t before = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = before;
  }
  Log().Info("Open files limit", {{"soft", std::to_string(limit.rlim_cur)},
                                  {"was", std::to_string(before)},
                                  {"hard", std::to_string(limit.rlim_max)}});
  return limit.rlim_cur;
}

// DefaultMaxConnections leaves a quarter of the descriptors (at least 256)
// to probes, the config and logs; never under 64.
int DefaultMaxConnections(rlim_t open_files) {
  const rlim_t capped = std::min<rlim_t>(open_files, 1 << 20);
  const rlim_t reserve = std::max<rlim_t>(256, capped / 4);
  return static_cast<int>(std::max<rlim_t>(64, capped > reserve ? capped - reserve : 0));
}

int Run(const Flags& flags) {
  std::vector<ListenAddress> addresses;
  for (const std::string& text : flags.listen_addresses) {
    std::string error;
    std::optional<ListenAddress> address = ParseListenAddress(text, &error);
    if (!address) {
      Log().Error("Invalid --web.listen-address", {{"err", error}});
      return 1;
    }
    addresses.push_back(*address);
  }
  WebConfig web;
  if (!flags.web_config_file.empty()) {
    WebConfigResult loaded = LoadWebConfigFile(flags.web_config_file);
    if (auto* e = std::get_if<ConfigError>(&loaded)) {
      Log().Error("Invalid --web.config.file", {{"err", e->ToString()}});
      return 1;
    }
    web = std::get<WebConfig>(std::move(loaded));
    if (auto error = web.tls ? CheckServerTls(*web.tls) : std::nullopt) {
      Log().Error("Invalid --web.config.file", {{"err", flags.web_config_file + ": " + *error}});
      return 1;
    }
  }

  std::string paths_error;
  const std::optional<WebPaths> computed =
      ComputeWebPaths(flags.external_url, flags.route_prefix, addresses.front(),
                      web.tls.has_value(), Hostname(), &paths_error);
  if (!computed) {
    Log().Error("Invalid web path flags", {{"err", paths_error}});
    return 1;
  }
  const WebPaths& paths = *computed;

  // Signals are handled by sigwait on the main thread only; every thread
  // started below inherits this mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ProbeEngine engine;
  SystemClock clock;
  TargetStore targets(&clock);
  TargetStats stats(&targets);
  Diagnosis diagnosis(&clock, &targets);
  std::vector<Incident> stored;
  bool refused = false;
  const std::unique_ptr<StoreWriter> store_writer =
      OpenIncidentFile(flags, &clock, &stored, &refused);
  if (refused) return 1;
  IncidentRecorder recorder(
      &clock, &targets, store_writer.get(),
      IncidentRecorderOptions{flags.status_group_label, flags.storage_retention,
                              std::chrono::milliseconds(1000), flags.storage_memory_incidents});
  recorder.Restore(std::move(stored), store_writer != nullptr && !store_writer->up());
  diagnosis.SetObserver(&recorder);
  VendorStatusCache vendor_status_pages(
      FetchVendorStatusPages, [](const std::string& page, const std::string& error) {
        Log().Warn("status page fetch failed", {{"page", page}, {"err", error}});
      });
  ProbeHistory history(flags.history_limit, &targets);
  ConfigState config(flags.config_file, flags.placement,
                     [&engine](const Config& c) { return ValidateTargets(c, engine); });
  // The first load goes through here too: restored open parts of targets
  // the config no longer has are closed then.
  config.SetListener([&targets, &recorder, &vendor_status_pages](const Config& c) {
    targets.Sync(c);
    recorder.SyncTargets(c);
    vendor_status_pages.Sync(c.vendor_status_pages);
  });
  if (config.Reload()) return 1;  // the error is logged
  IncidentHandlers incident_handlers(&recorder, store_writer.get(), &clock, &config,
                                     flags.status_group_label);
  const rlim_t open_files = RaiseOpenFilesLimit();
  std::optional<ConfigAutoReload> auto_reload;
  if (flags.config_auto_reload && !flags.config_file.empty()) {
    auto_reload.emplace(&config, flags.config_auto_reload_interval);
  }

  HttpServer server;
  Handlers handlers(&engine, &config, &stats, &diagnosis, &vendor_status_pages, &history,
                    flags.timeout_offset,
                    StatusPageSettings{flags.status_group_label, flags.status_refresh_seconds});
  ProbeLimiter probe_limiter(flags.probe_max_concurrent);
  handlers.SetProbeLimiter(&probe_limiter);
  handlers.SetProberLogLevel(flags.log_prober);
  handlers.SetScrapeWindow(static_cast<size_t>(flags.targets_max_concurrent));
  handlers.SetMoreMetrics(
      [&incident_handlers](FamilySet* out) { incident_handlers.AddMetrics(out); });
  handlers.SetIncidentOverview([&incident_handlers](const Config& c, WallTime now) {
    return incident_handlers.Overview(c, now);
  });
  handlers.Register(&server, paths);
  incident_handlers.Register(&server, paths);
  HttpServerOptions server_options;
  server_options.worker_threads = flags.web_threads;
  server_options.max_connections =
      flags.web_max_connections > 0 ? flags.web_max_connections : DefaultMaxConnections(open_files);
  if (auto error = server.Start(addresses, server_options, web, flags.web_config_file)) {
    Log().Error("Cannot start web server", {{"err", *error}});
    return 1;
  }
  // Ready before "Listening" is logged: whoever waits for that line (a test,
  // a supervisor reading logs) must find /-/ready answering 200.
  handlers.SetReady(true);
  for (size_t i = 0; i < addresses.size() && i < server.ports().size(); ++i) {
    Log().Info("Listening on address",
               {{"address", FormatListenAddress(addresses[i], server.ports()[i])},
                {"route_prefix", paths.route_prefix},
                {"tls", web.tls ? "true" : "false"},
                {"basic_auth", web.basic_auth_users.empty() ? "false" : "true"},
                {"max_connections", std::to_string(server_options.max_connections)}});
  }

  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      Log().Info("Reloading config on SIGHUP");
      config.Reload();
      continue;
    }
    Log().Info("Shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    break;
  }
  handlers.SetReady(false);
  StopGracefully(&server, &engine);
  Log().Info("Stopped");
  return 0;
}

}  // namespace
}  // namespace outage

int main(int argc, char** argv) {
  using namespace outage;
  FlagsOutcome outcome = ParseFlags(argc, argv);
  if (!outcome.flags) {
    std::fputs(outcome.message.c_str(), outcome.exit_code == 0 ? stdout : stderr);
    return outcome.exit_code;
  }
  const Flags& flags = *outcome.flags;
  Log().Configure(flags.log_level, flags.log_format);
  // glibc gives each new thread its own malloc arena (up to 8 per core), and
  // a scrape lands on whichever of the web threads is free: each arena then
  // keeps a whole scrape's working set, and RSS grew by that much per scrape
  // (45 MB at 1,000 targets) up to 16 arenas. Two arenas bound it at two
  // scrapes' worth, with no measurable cost to /probe throughput.
  mallopt(M_ARENA_MAX, 2);
  // A large /metrics body is written in slices of about 128 KiB, each freed
  // once sent. glibc raises its mmap threshold to the size of the first such
  // block freed, after which the slices come from the heap instead and
  // fragment it: each 10,000-target scrape then peaks a little higher than
  // the last. Fixing the threshold stops that adjustment (`BENCH_SCRAPES=40
  // BENCH_PARTS=targets BENCH_TARGETS=10000 tests/bench/bench.sh`: VmHWM
  // about 90 MiB after 40 scrapes, 97 without). Blocks this large are rare
  // on every other path.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  curl_global_init(CURL_GLOBAL_ALL);  // once, before any thread uses curl

  int rc;
  if (flags.config_check) {
    ProbeEngine engine;
    rc = CheckConfig(flags, engine);
  } else {
    rc = Run(flags);
  }
  curl_global_cleanup();
  return rc;
}
